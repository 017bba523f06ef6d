import { sql, type Kysely, type QueryExecutorProvider } from 'kysely';
import { signatureDigest, transactionSignature } from '../../payments/signature';

/**
 * `transactions.signature_digest`: SHA-256 of the transaction's `x-signature` (payments/
 * signature.ts), so that `POST /v1/transaction/process` with the signature alone, as KS Pay's
 * reference calls it, finds its transaction within the caller's app. Null where no signature
 * was made; looked up by (app_id, signature_digest).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('transactions').addColumn('signature_digest', 'text').execute();
  await db.schema
    .createIndex('transactions_app_signature')
    .on('transactions')
    .columns(['app_id', 'signature_digest'])
    .execute();

  await backfillSignatureDigests(db);
}

/**
 * Transactions still waiting to be processed, without a digest, get the digest of the signature
 * their initiation answered (made with the pair that initiated them); settled ones are never
 * processed again.
 */
export async function backfillSignatureDigests(db: QueryExecutorProvider): Promise<void> {
  const waiting = await sql<{
    id: string;
    reference_number: string;
    amount_minor: number | string;
    currency_code: string;
    secret_hash: string;
  }>`
    select t.id, t.reference_number, t.amount_minor, t.currency_code, k.secret_hash
    from transactions t join api_keys k on k.id = t.key_id
    where t.status = 'initiated' and t.signature_digest is null
  `.execute(db);
  for (const r of waiting.rows) {
    const signature = transactionSignature(r.secret_hash, {
      pe_txnId: r.id,
      referenceNumber: r.reference_number,
      amount: Number(r.amount_minor) / 100,
      currency: r.currency_code
    });
    await sql`update transactions set signature_digest = ${signatureDigest(signature)} where id = ${r.id}`.execute(
      db
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('transactions_app_signature').execute();
  await db.schema.alterTable('transactions').dropColumn('signature_digest').execute();
}
