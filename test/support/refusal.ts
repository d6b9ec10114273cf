/** The error of type `type` that `promise` rejects with; rethrows any other, fails if it resolves. */
export async function refusalOf<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`not refused: expected a ${type.name}`);
}
