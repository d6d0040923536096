package statestore

import (
	"bytes"
	"testing"
)

func TestBodyCache(t *testing.T) {
	c := newBodyCache(100)
	body := func(n int) []byte { return bytes.Repeat([]byte{'x'}, n) }
	c.put(1, body(20))
	c.put(2, body(20))
	c.put(3, body(20))
	if _, ok := c.get(1); !ok { // 1 becomes the most recently used
		t.Fatal("entry 1 missing")
	}
	c.put(4, body(20))
	c.put(5, body(20)) // 100 bytes: all fit
	c.put(6, body(20)) // evicts the least recently used: 2
	for id, want := range map[int64]bool{1: true, 2: false, 3: true, 4: true, 5: true, 6: true} {
		if _, ok := c.get(id); ok != want {
			t.Errorf("entry %d cached = %v, want %v", id, ok, want)
		}
	}
	if c.size != 100 {
		t.Errorf("size = %d, want 100", c.size)
	}
	c.put(7, body(26)) // more than a quarter of the cache: not kept
	if _, ok := c.get(7); ok {
		t.Error("an oversized body was cached")
	}
	off := newBodyCache(0)
	off.put(1, body(1))
	if _, ok := off.get(1); ok {
		t.Error("a disabled cache kept a body")
	}
}
