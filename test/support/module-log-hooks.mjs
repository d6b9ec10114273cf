// Loader hooks (node --import ./module-log.mjs): appends every module URL the ESM loader
// resolves to the file named by MODULE_LOG, so a test can see what an import pulled in.
import fs from "node:fs";

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (process.env.MODULE_LOG) fs.appendFileSync(process.env.MODULE_LOG, `${result.url}\n`);
  return result;
}
