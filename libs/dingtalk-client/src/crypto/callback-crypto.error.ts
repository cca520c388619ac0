/**
 * Error codes of the official DingTalk callback crypto libraries (DingCallbackCrypto and ports),
 * kept identical so operators can match them against DingTalk's documentation.
 */
export const CALLBACK_CRYPTO_ERRORS = {
  900001: 'invalid plaintext',
  900002: 'invalid timestamp',
  900003: 'invalid nonce',
  900004: 'invalid EncodingAESKey',
  900005: 'signature mismatch',
  900006: 'signature computation failed',
  900007: 'encryption failed',
  900008: 'decryption failed',
  900009: 'decrypted length mismatch',
  900010: 'owner key (corpId / appKey / suiteKey) mismatch',
} as const;

export type CallbackCryptoErrorCode = keyof typeof CALLBACK_CRYPTO_ERRORS;

export class DingTalkCallbackCryptoError extends Error {
  override readonly name = 'DingTalkCallbackCryptoError';

  constructor(
    readonly code: CallbackCryptoErrorCode,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(`${code} ${CALLBACK_CRYPTO_ERRORS[code]}${detail ? `: ${detail}` : ''}`, options);
  }
}
