// Package redisstore implements Lotse's stores on Redis through go-redis:
// the per-chat inbox (exactly-once, ordered processing), sessions, and
// leader locks. It is the only package that imports go-redis.
//
// Every key carries a TTL. Keys of one chat share the hash tag {c:<pseudonym>}
// so multi-key scripts work on Redis Cluster; the chat id itself never
// appears in a key.
package redisstore
