package server

// Log keys. Every log line of the server uses these constant keys, so logs
// can be queried the same way whatever wrote them. Nothing logs a state
// body or the Info field of lock info; lock info appears only as its ID,
// Who and Operation.
const (
	keyComponent  = "component"
	keyRequestID  = "request_id"
	keyMethod     = "method"
	keyRoute      = "route"
	keyState      = "state"
	keyStatus     = "status"
	keyDurationMS = "duration_ms"
	keyRemoteAddr = "remote_addr"
	keyLockID     = "lock_id"
	keyWho        = "who"
	keyOperation  = "operation"
	keySerial     = "serial"
	keyBytes      = "bytes"
	keyError      = "error"
	keyAddr       = "addr"
	keyDataDir    = "data_dir"
)
