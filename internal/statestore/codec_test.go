package statestore

import (
	"bytes"
	"strings"
	"testing"
)

func TestCodecs(t *testing.T) {
	body := []byte(strings.Repeat(`{"version":4,"serial":1,"lineage":"x"}`+"\n", 2000))
	codecs := []struct {
		codec    Codec
		encoding string
		smaller  int // at least this many times smaller
	}{
		{S2Codec{}, EncodingS2, 10},
		{NewZstdCodec(), EncodingZstd, 10},
		{IdentityCodec{}, EncodingIdentity, 1},
	}
	var blobs []Blob
	for _, c := range codecs {
		blob, err := c.codec.Encode(body)
		if err != nil {
			t.Fatal(err)
		}
		if blob.Encoding != c.encoding || len(blob.Data)*c.smaller > len(body) {
			t.Errorf("%s: encoded %d bytes to %d with %q", c.encoding, len(body), len(blob.Data), blob.Encoding)
		}
		blobs = append(blobs, blob)
	}
	// Every codec reads what any of them wrote.
	for _, c := range codecs {
		for _, blob := range blobs {
			got, err := c.codec.Decode(blob)
			if err != nil || !bytes.Equal(got, body) {
				t.Errorf("%s codec decoding a %s blob: %v", c.encoding, blob.Encoding, err)
			}
		}
		if got, err := c.codec.Decode(Blob{Data: []byte("as is")}); err != nil || string(got) != "as is" {
			t.Errorf("%s codec decoding a blob without encoding = %q, %v", c.encoding, got, err)
		}
		if _, err := c.codec.Decode(Blob{Data: []byte("x"), Encoding: "zstd+aes256gcm"}); err == nil {
			t.Errorf("%s codec decoded an unknown encoding", c.encoding)
		}
		for _, enc := range []string{EncodingS2, EncodingZstd} {
			if _, err := c.codec.Decode(Blob{Data: []byte("corrupt \xff\xff\xff\xff data"), Encoding: enc}); err == nil {
				t.Errorf("%s codec decoded corrupt %s data", c.encoding, enc)
			}
		}
		empty, _ := c.codec.Encode(nil)
		if got, err := c.codec.Decode(empty); err != nil || len(got) != 0 {
			t.Errorf("%s: empty body round trip = %q, %v", c.encoding, got, err)
		}
	}
}
