// The strategy's JWKS source, loaded on its first lookup: a server whose users name no JWKS URL
// never holds the fetcher, its URL and address policies or jose.
import type { ParsedPublicKey } from "../keys/types.js";
import type { JwksKeySource } from "../store/ports.js";
import type { JwksSettings } from "./options.js";
import type { JwksFetchListener, RemoteJwksKeySource } from "./remote-key-source.js";

export class LazyJwksKeySource implements JwksKeySource {
  private source: Promise<RemoteJwksKeySource> | null = null;

  constructor(
    private readonly settings: JwksSettings,
    private readonly now: () => number,
    private readonly onFetch: JwksFetchListener,
  ) {}

  async findKey(url: string, alg: string, kid: string): Promise<ParsedPublicKey | null> {
    // Imported on first use, not with the strategy (start memory).
    this.source ??= import("./remote-key-source.js").then(({ RemoteJwksKeySource }) => new RemoteJwksKeySource(this.settings, this.now, {}, this.onFetch));
    return (await this.source).findKey(url, alg, kid);
  }
}
