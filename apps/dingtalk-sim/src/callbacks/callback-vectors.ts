// DingTalk's published callback-crypto vectors (dingtalk-api.md §6.5): what the simulator's crypto
// (DingTalk's side) and the client's (the receiver's side) are each tested against. The two
// implementations stay apart on purpose; the vectors are one set, so neither test can drift from
// the documentation alone.

/** Vector A (official docs "local debugging" + 007gzs/dingtalk-sdk tests). */
export const CALLBACK_VECTOR_A = {
  token: '123456',
  aesKey: '4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij',
  owner: 'suite4xxxxxxxxxxxxxxx',
  timestamp: '1445827045067',
  nonce: 'nEXhMP4r',
  encrypt:
    '1a3NBxmCFwkCJvfoQ7WhJHB+iX3qHPsc9JbaDznE1i03peOk1LaOQoRz3+nlyGNhwmwJ3vDMG+OzrHMeiZI7gTRWVdUBmfxjZ8Ej23JVYa9VrYeJ5as7XM/ZpulX8NEQis44w53h1qAgnC3PRzM7Zc/D6Ibr0rgUathB6zRHP8PYrfgnNOS9PhSBdHlegK+AGGanfwjXuQ9+0pZcy0w9lQ==',
  signature: '5a65ceeef9aab2d149439f82dc191dd6c5cbe2c0',
  /** The 16 random bytes at the front of `encrypt`'s plaintext. */
  randomPrefix: 'hU3bEfGZZewzhG5a',
  msg: '{"EventType":"check_create_suite_url","Random":"LPIdSnlF","TestSuiteKey":"suite4xxxxxxxxxxxxxxx"}',
  /** `msg` and `success` sealed again with REENCRYPT_RANDOM as the random prefix. */
  reEncrypted:
    '5DJFWzjRNOQk+5GSZxW+VrFMDWCIidPjEjg3//gm5x556BedVi62rDj1F9uXU97a4jw1R4FACUv9RCpoDobNqxhxRB2YtW901k4KHbP1/wpFJ3xdLG0n0A8U1VhENg80zKJd+YROR0YMGum4WYuoXJ6J98vt0ihYeIFoapNddLML5MyNAGM9saSpkouDMSvD+iU14i7V8ix1ia1Tb9ogog==',
  reEncryptedSignature: 'bcf6dcefa4ce2dbaf7b0666c7264d46fd9aad4bd',
  successEncrypted: '5DJFWzjRNOQk+5GSZxW+VpU/+Yf0KeplvXZ8LNdyQj5iN6tX2KSwwhy5oymzMpsFAiG4RS3L0/vY7TX4ZwLTFA==',
  successSignature: '73813ea128535f7945c17f81069c6b8045361375',
};

/** Vector B (official "configure event push" FAQ): `encrypt` opens to `success`. */
export const CALLBACK_VECTOR_B = {
  token: '123456',
  aesKey: '1234567890123456789012345678901234567890123',
  owner: 'dingsnotzck6pm5veliw',
  timestamp: '1614767836',
  nonce: 'A7Co0cJLMzIDtMMI',
  encrypt: 'YvkvaGe4hQxd3VxRmEty0dVlnCOAqwf56xwTRHDHoOURqhalbmBJQk5FNcRk42Gl5T0YQXZNwpwWSm1xAFJ5ZA==',
  signature: '9a95a004dd16f5c307e849b994173f76aa26e5eb',
  randomPrefix: 'dICkEDLj0eb6yAbc',
};

/** The random prefix vector A's `reEncrypted` and `successEncrypted` were sealed with. */
export const REENCRYPT_RANDOM = '1234567890123456';
