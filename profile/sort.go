package profile

import (
	"maps"
	"slices"
)

// sortedKeys gives a JSON object's keys in a stable order: encoding/json
// maps lose the file's order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

func sortedValues[V any](m map[string]V) []V {
	out := make([]V, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, m[k])
	}
	return out
}
