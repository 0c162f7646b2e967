// http_ece (Martin Thomson's reference implementation of RFC 8188/8291) ships no types: the part the tests use.
declare module "http_ece" {
  import type { ECDH } from "node:crypto";
  interface EceParams {
    version?: "aes128gcm" | "aesgcm";
    privateKey?: ECDH;
    dh?: string | Buffer;
    authSecret?: string | Buffer;
    salt?: string | Buffer;
    keyid?: string | Buffer;
    rs?: number;
    pad?: number;
  }
  export function encrypt(buffer: Buffer, params: EceParams): Buffer;
  export function decrypt(buffer: Buffer, params: EceParams): Buffer;
}
