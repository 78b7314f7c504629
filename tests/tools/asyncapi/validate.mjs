// Parse an AsyncAPI document with the official parser and print its diagnostics as JSON.
// Exit 0 when it parses with no error-severity diagnostic, 1 otherwise.
//   node validate.mjs path/to/asyncapi.yaml
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";

const path = resolve(process.argv[2] ?? "");
const text = await readFile(path, "utf8");
const parser = new Parser();
const { document, diagnostics } = await parser.parse(text, { source: pathToFileURL(path).href });
const severity = { [DiagnosticSeverity.Error]: "error", [DiagnosticSeverity.Warning]: "warning",
                   [DiagnosticSeverity.Information]: "information", [DiagnosticSeverity.Hint]: "hint" };
const report = diagnostics.map((d) => ({
  severity: severity[d.severity], code: String(d.code), message: d.message, path: d.path.join("/"),
}));
const errors = report.filter((d) => d.severity === "error");
console.log(JSON.stringify({
  parsed: document !== undefined,
  version: document?.version() ?? null,
  operations: document ? document.operations().length : 0,
  messages: document ? document.allMessages().length : 0,
  diagnostics: report,
}, null, 2));
process.exit(document !== undefined && errors.length === 0 ? 0 : 1);
