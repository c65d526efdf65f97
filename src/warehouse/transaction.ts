/** How both adapters run a transaction on one connection. */

/** What a session and the sessions handed to its transactions share, as far as transactions go. */
export interface TransactionState {
  inTransaction: boolean;
}

/**
 * Runs `work` between BEGIN and COMMIT with `execute`, rolling back when it throws and
 * rethrowing the work's own error. Transactions do not nest: a second one on the same
 * connection is a bug, refused with a plain Error.
 */
export async function inTransaction<S, T>(state: TransactionState, execute: (sql: string) => Promise<void>, inner: S, work: (session: S) => Promise<T>): Promise<T> {
  if (state.inTransaction) {
    throw new Error('transaction() called while this session is already in a transaction: transactions do not nest; run the inner work in the outer transaction, or connect() another session.');
  }
  state.inTransaction = true;
  try {
    await execute('BEGIN TRANSACTION');
    let result: T;
    try {
      result = await work(inner);
      await execute('COMMIT');
    } catch (error) {
      // The caller needs the error that broke the work, not one from a rollback after it.
      await execute('ROLLBACK').catch(() => undefined);
      throw error;
    }
    return result;
  } finally {
    state.inTransaction = false;
  }
}
