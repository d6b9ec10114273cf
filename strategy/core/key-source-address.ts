import { AuthError } from "../errors.js";
import { fromListAllows } from "../keys/address-match.js";
import { fromOption } from "../keys/formats/key-options.js";
import type { KeyCandidate } from "../store/ports.js";
import type { RequestView } from "./request-view.js";

/**
 * A key stored with `from="…"` signs in over HTTP only from a matching client address, as sshd
 * would let it: the address is the request's as the adapter sees it (Express `trust proxy`),
 * matched by the same rules as a certificate's source-address (keys/address-match.ts).
 */
export function checkKeySourceAddress(signer: KeyCandidate, request: RequestView, keyId: string | undefined): void {
  const from = fromOption(signer.key.sshOptions);
  if (from === null || fromListAllows(from, request.clientAddress)) return;
  throw new AuthError("source_address_not_allowed", "the key may not be used from this address (its from= option)", {
    detail: { userId: signer.user.id, keyId },
  });
}
