// Where the console was when its session ended, in a cookie the server reads when the next
// sign-in link is used: the user lands back on that page (the server accepts only paths inside
// the console). A cookie, not storage: the link is often opened in another tab.
import { basePath } from "../shared/base-path";

const cookieName = "sshkey_console_return";

export function rememberReturnPath(): void {
  let path = window.location.pathname.startsWith(basePath) ? window.location.pathname.slice(basePath.length) : "/";
  if (!path.startsWith("/")) path = `/${path}`;
  const value = encodeURIComponent(path + window.location.search);
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${cookieName}=${value}; Path=${basePath || "/"}; Max-Age=43200; SameSite=Strict${secure}`;
}
