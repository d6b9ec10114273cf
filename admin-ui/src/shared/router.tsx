// A tiny history router: paths under the console's mount (basePath), query strings as filters, no library.
import { useEffect, useSyncExternalStore } from "react";
import { basePath } from "./base-path";

export { basePath };

function subscribe(callback: () => void): () => void {
  window.addEventListener("popstate", callback);
  return () => window.removeEventListener("popstate", callback);
}

function snapshot(): string {
  return window.location.pathname + window.location.search;
}

export interface Location {
  /** Path inside the console, e.g. "/keys/abc" ("/" for the root). */
  path: string;
  query: URLSearchParams;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  let path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
  if (!path.startsWith("/")) path = `/${path}`;
  return { path, query: url.searchParams };
}

function href(path: string): string {
  return `${basePath}${path}`;
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const target = href(path);
  if (target === snapshot()) return;
  if (options.replace) window.history.replaceState(null, "", target);
  else window.history.pushState(null, "", target);
  window.dispatchEvent(new PopStateEvent("popstate"));
}

/** Plain left clicks on internal links navigate without reloading; others (new tab…) behave normally. */
function linkClick(path: string) {
  return (event: React.MouseEvent<HTMLAnchorElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(path);
  };
}

export function Link(props: {
  to: string;
  className?: string | undefined;
  children: React.ReactNode;
  "aria-current"?: "page" | undefined;
  "aria-label"?: string | undefined;
  title?: string | undefined;
}) {
  return (
    <a
      href={href(props.to)}
      onClick={linkClick(props.to)}
      className={props.className}
      aria-current={props["aria-current"]}
      aria-label={props["aria-label"]}
      title={props.title}
    >
      {props.children}
    </a>
  );
}

export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · SSH key console`;
  }, [title]);
}
