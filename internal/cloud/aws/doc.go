// Package aws is infractl's S3 state tooling: it bootstraps a state bucket
// and lock table the way they should be (versioned, encrypted, private,
// TLS only), writes s3 backend blocks into an estate, inspects and breaks
// Terraform's locks (the DynamoDB item and the S3 .tflock object), lists a
// state's object versions and rolls a state back to one of them so that the
// next terraform plan accepts it (serial, lineage and the DynamoDB digest).
//
// Everything starts from a Config, read from an environment's backend
// "s3" block plus -backend-config files by FromBackend, with credentials
// from the normal AWS chain. Open returns a *Backend for one state; it
// implements remotestate.Backend for the CLI's state commands, plus what
// only S3 has: UnlockMatching (which also says what is still held),
// UnlockUnreadable for locks whose info names no ID, and CheckAccount for
// the block's allowed_account_ids / forbidden_account_ids (every write
// checks it too). Bootstrap and WriteBackends serve `infractl bootstrap s3`.
//
// The protocol facts this package follows (Terraform 1.11.4) are in
// terraform-protocols.md section 2: the lock item `LockID = bucket/key`
// with the lock info JSON in `Info`, the digest item `bucket/key-md5`, and
// `.tflock` objects written with If-None-Match: *.
//
// The package does no printing and keeps no policy: staleness
// (--stale-after), --force and the unlocks.log record are the CLI's; this
// package tells it what is there and removes exactly what it is asked to.
package aws
