package grants_test

import (
	"testing"

	"nyttig/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Run(m) }
