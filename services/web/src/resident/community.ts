import { ref } from "vue";
import { isCommunityCode } from "../shared/labels";

// Which community the pages are for: ?c=<12-digit code> (the link or QR code a community
// posts), remembered on this phone so the tabs keep it.
const STORE = "yishi.community";

function initial(): string {
  const fromUrl = new URLSearchParams(location.search).get("c") ?? "";
  if (isCommunityCode(fromUrl)) {
    localStorage.setItem(STORE, fromUrl);
    return fromUrl;
  }
  const kept = localStorage.getItem(STORE) ?? "";
  return isCommunityCode(kept) ? kept : "";
}

export const community = ref(initial());

export function chooseCommunity(code: string): boolean {
  if (!isCommunityCode(code)) return false;
  community.value = code;
  localStorage.setItem(STORE, code);
  return true;
}

// Receipt codes this phone received, newest first, so a resident need not copy them down.
const RECEIPTS = "yishi.receipts";

export interface KeptReceipt {
  code: string;
  title: string;
  at: string;
}

export function keptReceipts(): KeptReceipt[] {
  try {
    return JSON.parse(localStorage.getItem(RECEIPTS) ?? "[]") as KeptReceipt[];
  } catch {
    return [];
  }
}

export function keepReceipt(receipt: KeptReceipt): void {
  const others = keptReceipts().filter((r) => r.code !== receipt.code);
  localStorage.setItem(RECEIPTS, JSON.stringify([receipt, ...others].slice(0, 20)));
}
