package i18n

// Unicode directional isolates. A Latin date, a phone number or a URL
// inside an Arabic sentence is reordered by the bidi algorithm ("112"
// after the full stop, "+49 30" as "30 49+"); wrapping each inserted value
// in FSI…PDI makes it render as one unit in its own direction.
const (
	fsi = "\u2068"
	pdi = "\u2069"
)

// Isolate wraps s in a first-strong isolate, unless it is empty.
func Isolate(s string) string {
	if s == "" {
		return s
	}
	return fsi + s + pdi
}
