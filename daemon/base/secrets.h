/* secrets.h — API tokens and app passwords, read from files the user alone
 * can read, or from systemd credentials ($CREDENTIALS_DIRECTORY/NAME, which
 * LoadCredential= provides). A secret never goes to a log, argv, the bus or
 * the ledger database; callers wipe it with secrets_free(). */
#ifndef MENTORD_SECRETS_H
#define MENTORD_SECRETS_H

/* Reads the secret named cred_name from $CREDENTIALS_DIRECTORY when that
 * file exists, else from path (may be NULL). The file must be a regular file
 * owned by us with no group/other permission bits (0600 or stricter), at most
 * 8 KiB; one trailing newline is dropped. On failure returns a negative errno
 * and *err = "PATH: reason" (caller frees); -ENOENT with *err NULL when
 * neither source is configured. */
int secrets_read(const char *path, const char *cred_name, char **out, char **err);

/* Overwrites then frees. NULL is a no-op. */
void secrets_free(char *secret);

#endif
