package server

import (
	"testing"

	"nyttig/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Run(m) }
