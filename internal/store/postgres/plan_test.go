package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/infractl/infractl/internal/testenv"
)

// TestQueriesUseIndexes checks with EXPLAIN that no query on a state's
// versions, blobs or lock scans a table, so they stay fast as history
// grows. Sequential scans are disabled for the session: a plan that still
// has one has no index to use. Sorts are allowed only where they sort a
// bounded set: the history page (at most limit rows, read through the
// index) and the listing of held locks. The listing of every state reads
// every state by design and is not checked.
func TestQueriesUseIndexes(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, testenv.Postgres(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pc, err := s.pool.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.pool.release(pc, false)
	conn := pc.conn
	if _, err := conn.Exec(ctx, `SET enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	queries := []struct {
		name, sql  string
		args       []any
		sortIsFine bool
	}{
		{"record", sqlRecord, []any{"x"}, false},
		{"record by id", sqlRecordByID, []any{1}, false},
		{"lock state", sqlLockState, []any{"x"}, false},
		{"current", sqlCurrent, []any{"x"}, false},
		{"blob", sqlBlob, []any{1}, false},
		{"version by name", sqlVersionByName, []any{"x", 1}, false},
		{"version by id", sqlVersionByID, []any{1, 1}, false},
		{"versions", sqlVersions, []any{"x", 100, 10}, true},
		{"lock records", sqlLockRecords, nil, true},
		{"delete lock", sqlDeleteLock, []any{1}, false},
		{"mark deleted", sqlMarkDeleted, []any{1, nil}, false},
	}
	for _, q := range queries {
		rows, err := conn.Query(ctx, "EXPLAIN "+q.sql, q.args...)
		if err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, line)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		text := strings.Join(plan, "\n")
		if strings.Contains(text, "Seq Scan") || (!q.sortIsFine && strings.Contains(text, "Sort")) {
			t.Errorf("%s scans or sorts:\n%s", q.name, text)
		}
	}
}
