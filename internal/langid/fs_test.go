package langid_test

import (
	"io/fs"

	"lotse/locales"
)

func localesFS() fs.FS { return locales.FS }
