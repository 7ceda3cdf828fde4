-- A fund's logo for its letters (PNG or JPEG), set by an admin.
ALTER TABLE funds ADD COLUMN logo bytea CHECK (logo IS NULL OR length(logo) <= 2097152);
