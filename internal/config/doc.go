// Package config reads Lotse's configuration: secrets and deployment
// settings from environment variables (each secret also as *_FILE for
// Docker secrets), the municipality's facts from one YAML file. Validation
// names the bad variable, or the file, line and field.
//
// It imports nothing of ours.
package config
