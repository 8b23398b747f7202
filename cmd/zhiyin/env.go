package main

import "os"

// envOr returns the environment variable's value, or def when it is unset
// or empty: every flag can also be set from the environment.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
