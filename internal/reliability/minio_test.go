package reliability

import "nyttig/internal/testenv"

// minioServices is an empty database on the shared PostgreSQL and a
// bucket on a MinIO of the test's own (testenv.StartMinIO), to stop under
// load.
func minioServices(m *testenv.MinIO, databaseURL string) services {
	return services{databaseURL: databaseURL, s3Endpoint: m.Addr, s3Key: testenv.MinIOUser,
		s3Secret: testenv.MinIOPassword, bucket: "nyttig"}
}
