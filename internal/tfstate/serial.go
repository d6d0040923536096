package tfstate

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// BumpSerial returns body with its serial set to serial and everything else
// kept, for rollbacks: the S3 tooling and the state server restore an old
// version as a new one (serial = current + 1) so that Terraform accepts it
// as newer. body must Parse. When lineage is not empty, body's lineage must
// equal it, or a *PushError matching ErrLineageMismatch is returned, so a
// state from another lineage cannot be restored by mistake. The result is
// indented with two spaces and ends in a newline, as Terraform writes
// states; field order, unknown fields and string escapes are kept.
func BumpSerial(body []byte, serial uint64, lineage string) ([]byte, error) {
	_, sc, err := parse(body)
	if err != nil {
		return nil, err
	}
	if lineage != "" && sc.meta.Lineage != lineage {
		return nil, &PushError{Kind: ErrLineageMismatch, Current: Meta{Lineage: lineage}, Incoming: sc.meta}
	}
	spliced := make([]byte, 0, len(body)+20)
	spliced = append(spliced, body[:sc.serialStart]...)
	spliced = strconv.AppendUint(spliced, serial, 10)
	spliced = append(spliced, body[sc.serialEnd:]...)
	spliced = bytes.TrimRight(spliced, " \t\r\n")

	var out bytes.Buffer
	out.Grow(len(spliced) + len(spliced)/8 + 1)
	if err := json.Indent(&out, spliced, "", "  "); err != nil {
		// Parse accepted body, so this is a bug here rather than bad input.
		return nil, &ParseError{Offset: -1, Msg: "re-indenting the state", Err: err}
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}
