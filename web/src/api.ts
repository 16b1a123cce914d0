/**
 * The page's one API client and session: the typed fieldcrm client, the access token kept
 * for this browser tab (sessionStorage), and sign-out on a 401.
 */
import { createFieldcrmClient, ok } from "@fieldcrm/client";
import { ref } from "vue";

const TOKEN_KEY = "fieldcrm.accessToken";

/** The signed-in access token, or null. */
export const accessToken = ref<string | null>(sessionStorage.getItem(TOKEN_KEY));

function remember(token: string | null): void {
  accessToken.value = token;
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

/** The API: the page's own origin unless VITE_API_URL says otherwise (`npm run dev`). */
export const api = createFieldcrmClient({
  baseUrl: import.meta.env.VITE_API_URL ?? "",
  accessToken: () => accessToken.value,
  onUnauthorized: () => remember(null),
});

export async function signIn(username: string, password: string): Promise<void> {
  const token = await ok(api.POST("/auth/login", { body: { username, password } }));
  remember(token.accessToken);
}

export function signOut(): void {
  remember(null);
}
