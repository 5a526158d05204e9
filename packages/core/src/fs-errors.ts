/** Plain words for the operating-system errors a user can fix: a full disk, a permission, a name too long. */

export interface FsErrorDescription {
  /** The error code, e.g. `ENOSPC`. */
  code: string;
  /** The path the operation failed on, when the error names one. */
  path: string | undefined;
  /** What is wrong, in one clause, naming the path. */
  problem: string;
  /** What to do about it, in one clause. */
  fix: string;
}

/** The longest name a common filesystem (ext4, XFS, Btrfs, APFS, NTFS) allows in one path component. */
export const NAME_MAX_BYTES = 255;

/**
 * What `error` means to the user when it is one of the filesystem errors they can fix (ENOSPC,
 * EDQUOT, EACCES, EPERM, ENAMETOOLONG, EROFS, EMFILE, ENFILE, ENOTDIR, EISDIR); null for anything
 * else, which stays an unexpected failure.
 */
export function describeFsError(error: unknown): FsErrorDescription | null {
  if (error === null || typeof error !== 'object') return null;
  const { code, path } = error as { code?: unknown; path?: unknown };
  if (typeof code !== 'string') return null;
  const at = typeof path === 'string' ? path : undefined;
  const where = at ?? 'the file';
  const described = (problem: string, fix: string): FsErrorDescription => ({ code, path: at, problem: `${problem} (${code})`, fix });
  switch (code) {
    case 'ENOSPC':
      return described(`no space left on the device holding ${where}`, 'free space (or choose another --out / cache folder), then resume');
    case 'EDQUOT':
      return described(`your disk quota is used up on the device holding ${where}`, 'free space within your quota (or choose another --out / cache folder), then resume');
    case 'EACCES':
    case 'EPERM':
      return described(`permission denied on ${where}`, 'make it writable for this user (or choose another --out / cache folder), then resume');
    case 'EROFS':
      return described(`${where} is on a read-only filesystem`, 'choose an --out / cache folder on a writable filesystem, then resume');
    case 'ENAMETOOLONG':
      return described(`the path ${where} is too long for the filesystem (${lengthOf(at)})`, 'choose a shorter --out');
    case 'EMFILE':
      return described('too many open files in this process', 'raise ulimit -n (e.g. ulimit -n 65536), then resume');
    case 'ENFILE':
      return described('too many open files on this machine', 'raise the open-file limits (ulimit -n, fs.file-max) or close other programs, then resume');
    case 'ENOTDIR':
      return described(`a part of ${where} is a file, not a folder`, 'choose a path whose every part is a folder (or move that file away)');
    case 'EISDIR':
      return described(`${where} is a folder where a file was expected`, 'move that folder away (or choose another --out / cache folder)');
    default:
      return null;
  }
}

/** Why a path is too long: its longest name against the 255-byte limit, or else its whole length. */
function lengthOf(path: string | undefined): string {
  const limit = `a name may have at most ${NAME_MAX_BYTES} bytes`;
  if (path === undefined) return limit;
  const longest = path.split(/[\\/]/).reduce((top, name) => (Buffer.byteLength(name) > Buffer.byteLength(top) ? name : top), '');
  if (Buffer.byteLength(longest) > NAME_MAX_BYTES) return `${longest.length} characters in one name; ${limit}`;
  return `${path.length} characters in all; ${limit}`;
}
