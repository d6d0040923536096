// Package lint checks an estate's environments, alone and against each
// other, for the mistakes that hurt in production: two environments on one
// state, unencrypted or unlocked state, backend arguments terraform
// rejects, unpinned providers, overlapping networks, secrets in the
// configuration, an unprotected state bucket, capacity that shrinks along
// the promotion order and module sources that drift between environments.
//
// Run reads the estate model (internal/estate) and, because the model holds
// declarations only, parses the files again with hclsyntax for what rules
// need from bodies: literals, lifecycle blocks and comments. Every Finding
// has a stable rule ID (see Rules), a severity, a file:line:col relative to
// the estate root, a message and a fix hint; cross-environment findings
// point at every place involved. Messages never contain a secret: a value
// that looks like one is shown as its first four characters and length.
//
// # Scope
//
// Rules run over the selected environments. Cross-environment rules compare
// every environment of the estate and keep the findings that involve a
// selected one. File rules (secrets, state buckets) read the selected
// environments' files, the local modules they call, and with Options.All
// every other directory of the estate holding .tf files (shared roots such
// as shared/backend-bootstrap), skipping hidden directories and .terraform.
//
// # Suppressions
//
// A comment `# infractl:ignore IFX010 reason` anywhere in a file turns the
// rule off for that file. `# infractl:ignore-block IFX013 reason` on the
// lines right above a block or top-level argument (or inside a block) turns
// it off for that block or argument only; this is how a module source that
// differs between environments on purpose is declared. Several rule IDs may
// be given separated by commas. A finding is suppressed when any of its
// locations is covered. The reason is required: an ignore without one, with
// an unknown rule ID, or a block ignore attached to nothing is itself a
// finding (IFX014) and suppresses nothing; an ignore that suppressed
// nothing is reported as a note (IFX015).
//
// # Heuristics
//
// Network ranges (IFX009): every string literal that parses as a CIDR
// prefix in an environment's effective variables and module arguments,
// except /0 and values whose name says they are an allow list rather than
// the environment's own range (names with allow, access, ingress, egress,
// source, trusted, whitelist, allowlist, peer, remote, destination, client
// or external in them). Prefixes contained in another prefix of the same
// environment are folded into it, so a VPC and its subnets count once.
//
// Capacity order (IFX012): numeric effective values (numbers, and strings
// such as "500m" or "8Gi" in Kubernetes quantity notation) whose name, or
// last key for nested values, has one of the tokens count, size, replicas,
// min, max, desired, nodes, capacity, storage, memory, cpu (and a few
// spellings of them), and instance types compared by their size suffix
// (nano < micro < small < medium < large < xlarge < 2xlarge < ... < metal;
// the largest of a list counts). Names with interval, retention, period,
// timeout, ttl, days, hours, minutes, seconds, port, version, retries, delay
// or age are never capacity, so a monitoring interval that gets finer in
// prod is not flagged. Environments are compared in infractl.hcl block
// order, each with the previous declared environment that has the value.
//
// Secrets (IFX010): known token formats anywhere in a file (AWS access key
// IDs, private key headers, GitHub, Slack, Google API and Stripe keys), and
// string literals of at least 8 characters with at least 3 bits of entropy
// per character and two character classes, assigned to a name that says
// password, secret, token, credential or api/access/private/... key (names
// that say the value is a name, ARN, ID, file or path are skipped, and so
// are references such as arn:... or vault:...). Only native-syntax files get
// the name-based check; JSON files get the known formats.
package lint
