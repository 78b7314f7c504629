// The meeting service's list of a community's meetings (会议清单); only its total is read here.
import { call } from "../../shared/api";
import { currentToken } from "../auth";

export async function meetingCount(community: string): Promise<number> {
  const list = await call<{ total: number }>("meeting", `/communities/${community}/meetings?limit=1`, { token: await currentToken() });
  return list.total;
}
