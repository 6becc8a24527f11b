package classify

import (
	"testing"

	"lotse/internal/testmain"
)

func TestMain(m *testing.M) { testmain.Run(m) }
