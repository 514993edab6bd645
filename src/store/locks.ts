// Advisory-lock ids, in one place so two kinds of one-time work never share a lock by accident.
export const LOCKS = {
  migrations: 0x6569_6467, // "eidg"
  signingKeys: 0x6b65_7973, // "keys"
  devBootstrap: 0x6465_7661, // "deva"
  keyCheck: 0x6b63_6876, // "kchv"
  oidcKeys: 0x6f69_6463, // "oidc"
} as const;
