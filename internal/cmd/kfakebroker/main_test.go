package main

import (
	"reflect"
	"testing"
)

func TestParseTopics(t *testing.T) {
	got, err := parseTopics("clicks:3, orders ,,payments:1")
	want := []seed{{"clicks", 3}, {"orders", 0}, {"payments", 1}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("parseTopics = %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"clicks:0", "clicks:x", ":3"} {
		if _, err := parseTopics(bad); err == nil {
			t.Errorf("parseTopics(%q) accepted", bad)
		}
	}
}
