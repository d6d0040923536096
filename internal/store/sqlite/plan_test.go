package sqlite

import (
	"context"
	"strings"
	"testing"
)

// TestQueriesUseIndexes checks with EXPLAIN QUERY PLAN that no query on a
// state's versions, blobs or lock scans a table or sorts: they must stay
// fast as history grows. The listing of locks scans the locks table, which
// holds only held locks; the listing of all states scans states by design.
func TestQueriesUseIndexes(t *testing.T) {
	s, err := Open(context.Background(), t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	queries := map[string]string{
		"record": sqlRecord, "current": sqlCurrent, "blob": sqlBlob, "version by name": sqlVersionByName,
		"version by id": sqlVersionByID, "state id": sqlStateID, "versions": sqlVersions,
		"lock records": sqlLockRecords,
	}
	for name, q := range queries {
		rows, err := s.read.Query("EXPLAIN QUERY PLAN "+q, placeholders(q)...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		for _, step := range plan {
			bad := strings.HasPrefix(step, "SCAN ") || strings.Contains(step, "TEMP B-TREE")
			if name == "lock records" && (step == "SCAN l" || strings.Contains(step, "TEMP B-TREE")) {
				bad = false // the locks table holds only held locks; sorting them is cheap
			}
			if bad {
				t.Errorf("%s: plan %q has %q", name, plan, step)
			}
		}
	}
}

func placeholders(q string) []any {
	args := make([]any, strings.Count(q, "?"))
	for i := range args {
		args[i] = 1
	}
	return args
}
