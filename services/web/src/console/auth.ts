import { User, UserManager, WebStorageStateStore } from "oidc-client-ts";
import { ref } from "vue";

// Staff sign in at the city's identity provider (Keycloak behind the same gateway, /auth):
// authorization code with PKCE (S256), the public client `yishi-console`. The services see
// the access token; who and where the user is come from its `roles` and `division` claims.
const origin = window.location.origin;
const manager = new UserManager({
  authority: `${origin}/auth/realms/yishi`,
  client_id: "yishi-console",
  redirect_uri: `${origin}/console/`,
  post_logout_redirect_uri: `${origin}/console/`,
  response_type: "code",
  scope: "openid",
  userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  automaticSilentRenew: false,
});

export interface Staff {
  name: string;
  username: string;
  roles: string[];
  division: string;
  token: string;
}

export const staff = ref<Staff | null>(null);

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
}

function fromUser(user: User): Staff {
  const claims = claimsOf(user.access_token);
  return {
    name: String(user.profile.name ?? user.profile.preferred_username ?? ""),
    username: String(user.profile.preferred_username ?? ""),
    roles: Array.isArray(claims.roles) ? claims.roles.map(String) : [],
    division: String(claims.division ?? ""),
    token: user.access_token,
  };
}

/** On load: finish a sign-in coming back from Keycloak, or pick up the session's user. */
export async function restore(): Promise<void> {
  const query = new URLSearchParams(window.location.search);
  if (query.has("state") && (query.has("code") || query.has("error"))) {
    const user = await manager.signinRedirectCallback();
    const back = typeof user.state === "string" && user.state.startsWith("/console/") ? user.state : "/console/";
    window.history.replaceState(null, "", back);
  }
  const user = await manager.getUser();
  staff.value = user && !user.expired ? fromUser(user) : null;
}

export function signIn(): Promise<void> {
  const here = window.location.pathname + window.location.search;
  return manager.signinRedirect({ state: here.startsWith("/console/") ? here : "/console/" });
}

export async function signOut(): Promise<void> {
  const user = await manager.getUser();
  await manager.removeUser();
  staff.value = null;
  await manager.signoutRedirect({ id_token_hint: user?.id_token });
}

/** The token for an API call; an expired session signs in again instead of sending it. */
export async function currentToken(): Promise<string> {
  const user = await manager.getUser();
  if (!user || user.expired) {
    staff.value = null;
    await signIn();
    throw new Error("signing in again");
  }
  return user.access_token;
}
