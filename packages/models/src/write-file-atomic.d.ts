// write-file-atomic ships no types; this is the part of its API used here.
declare module 'write-file-atomic' {
  interface Options {
    mode?: number;
    fsync?: boolean;
    encoding?: BufferEncoding;
  }
  function writeFileAtomic(path: string, data: string | Uint8Array, options?: Options): Promise<void>;
  export default writeFileAtomic;
}
