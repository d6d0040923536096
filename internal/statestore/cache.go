package statestore

import (
	"container/list"
	"sync"
)

// DefaultCacheBytes is the default size of the body cache: a few hundred
// typical states.
const DefaultCacheBytes = 64 << 20

// bodyCache keeps recently written or read state bodies by version ID, so
// the GET that follows a write (Terraform reads after locking, and the
// last writer is usually the next reader) costs one metadata query instead
// of reading, decrypting and decompressing the body again. Versions are
// immutable and their IDs never reused, so an entry never goes stale, on
// any number of server replicas. Bodies are shared: callers must not
// modify them.
type bodyCache struct {
	mu    sync.Mutex
	max   int64
	size  int64
	order *list.List // front = most recently used; values are *cacheEntry
	byID  map[int64]*list.Element
}

type cacheEntry struct {
	id   int64
	body []byte
}

// newBodyCache returns a cache of at most max bytes; max <= 0 disables it.
func newBodyCache(max int64) *bodyCache {
	return &bodyCache{max: max, order: list.New(), byID: map[int64]*list.Element{}}
}

func (c *bodyCache) get(id int64) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byID[id]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cacheEntry).body, true
}

func (c *bodyCache) put(id int64, body []byte) {
	n := int64(len(body))
	if n > c.max/4 { // one huge state must not flush everything else
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byID[id]; ok {
		return
	}
	c.byID[id] = c.order.PushFront(&cacheEntry{id: id, body: body})
	c.size += n
	for c.size > c.max {
		last := c.order.Back()
		ent := last.Value.(*cacheEntry)
		c.order.Remove(last)
		delete(c.byID, ent.id)
		c.size -= int64(len(ent.body))
	}
}
