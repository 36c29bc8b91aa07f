package check

import "testing"

func TestSQLParams(t *testing.T) {
	for _, tc := range []struct {
		sql   string
		n     int
		style string
	}{
		{"insert into t values ($1, $2)", 2, "$1..$2"},
		{"insert into t values (?, ?, ?)", 3, "?"},
		{"insert into t values (?1, ?2) -- ?3 in a comment", 2, "?1..?2"},
		{"select '$9', \"?\" from t where id = any($1) /* $4 */", 1, "$1"},
		{"update t set a = $2 where b = $2 and c = $1", 2, "$1..$2"},
		{"select 1", 0, "none"},
	} {
		if n, style := sqlParams(tc.sql); n != tc.n || style != tc.style {
			t.Errorf("sqlParams(%q) = %d, %q; want %d, %q", tc.sql, n, style, tc.n, tc.style)
		}
	}
}

func TestSuggest(t *testing.T) {
	cands := []string{"batch", "checkpoint", "reduceByKey", "reduce", "words", "split"}
	for _, tc := range []struct{ name, want string }{
		{"batchs", "batch"},
		{"reduceByKye", "reduceByKey"},
		{"wrods", "words"},
		{"check", "checkpoint"},
		{"zzz", ""},
		{"x", ""},
	} {
		if got := suggest(tc.name, cands); got != tc.want {
			t.Errorf("suggest(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
