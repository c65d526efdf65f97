/** The WarehouseError a promise rejects with; the test fails when it resolves or rejects with anything else. */
import { expect } from 'vitest';
import { WarehouseError } from '../../src/warehouse/index.js';

export async function failure(promise: Promise<unknown>): Promise<WarehouseError> {
  const error = await promise.then(
    () => expect.fail('expected a rejection'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(WarehouseError);
  return error as WarehouseError;
}
