package grants

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/minio/minio-go/v7"

	"nyttig/internal/apperr"
	"nyttig/internal/blob"
	"nyttig/internal/filetype"
	"nyttig/internal/i18n"
	"nyttig/internal/model"
	"nyttig/internal/store"
)

// Limits bound what may be attached.
type Limits struct {
	FileBytes        int64 // one file
	ApplicationBytes int64 // all files of one application
}

// DefaultLimits are 25 MiB a file and 100 MiB an application.
var DefaultLimits = Limits{FileBytes: 25 << 20, ApplicationBytes: 100 << 20}

// attachmentPrefix is where attachment objects live in the bucket; the
// orphan sweeper looks only there.
const attachmentPrefix = "attachments/"

var (
	msgStorageDown = i18n.T("Fillageret svarer ikke akkurat nå. Prøv igjen om litt; ingenting er lagret.",
		"File storage is not answering right now. Please try again shortly; nothing was stored.")
	msgStorageDownRead = i18n.T("Fillageret svarer ikke akkurat nå. Prøv igjen om litt.",
		"File storage is not answering right now. Please try again shortly.")
	msgRefusedType = i18n.T("Filtypen er ikke tillatt. Last opp PDF, PNG, JPEG, Word/Excel/PowerPoint, OpenDocument, ren tekst eller CSV.",
		"This type of file is not accepted. Upload PDF, PNG, JPEG, Word/Excel/PowerPoint, OpenDocument, plain text or CSV.")
	msgAttachLocked = i18n.T("Vedlegg kan bare endres mens søknaden er et utkast eller sendt tilbake.",
		"Attachments can only be changed while the application is a draft or returned.")
)

func storageDown(err error) error { return apperr.Wrap(apperr.Unavailable, msgStorageDown, err) }

// storageDownRead is storageDown for a download, which stores nothing.
func storageDownRead(err error) error {
	return apperr.Wrap(apperr.Unavailable, msgStorageDownRead, err)
}

func (s *Service) tooLarge() error {
	return apperr.New(apperr.TooLarge, i18n.Tf(
		"Filen er for stor: høyst %d MiB per fil og %d MiB per søknad.",
		"The file is too large: at most %d MiB per file and %d MiB per application.",
		s.Limits.FileBytes>>20, s.Limits.ApplicationBytes>>20))
}

// CleanFileName keeps the last path element of a client's file name,
// without control characters, trimmed to 255 characters.
func CleanFileName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base("/" + name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, name)
	name = trimDotsAndSpaces(name)
	if utf8.RuneCountInString(name) > 255 {
		ext := path.Ext(name)
		if utf8.RuneCountInString(ext) > 20 {
			ext = ""
		}
		name = trimDotsAndSpaces(string([]rune(name)[:255-utf8.RuneCountInString(ext)]) + ext)
	}
	if name == "" || name == "/" {
		name = "vedlegg"
	}
	return name
}

// trimDotsAndSpaces trims both in one pass: trimming one after the other
// left " . " as "." and "\u2028.txt" as the hidden ".txt".
func trimDotsAndSpaces(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r == '.' || unicode.IsSpace(r) })
}

// mayChangeAttachments says why u may not add or remove files on a, if not.
func mayChangeAttachments(u model.User, a model.Application) error {
	switch {
	case a.ApplicantID != u.ID:
		return apperr.New(apperr.Forbidden, msgNotYours)
	case !a.Editable():
		return apperr.New(apperr.Conflict, msgAttachLocked)
	}
	return nil
}

func newObjectKey(appID int64) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s%d/%s", attachmentPrefix, appID, hex.EncodeToString(b))
}

// AddAttachment streams a file into object storage and records it. The
// object is written first under its final key and the row after; when the
// row cannot be written the object is removed again, so a row never points
// at a missing object. A type not on the allowlist is refused with 415, a
// file over the limits with 413, and nothing is kept of either. A name
// whose ending does not match the content gets the content's ending added.
func (s *Service) AddAttachment(ctx context.Context, u model.User, appID int64, name string, body io.Reader, requestID string) (model.Attachment, error) {
	a, err := s.Application(ctx, u, appID)
	if err != nil {
		return model.Attachment{}, err
	}
	if err := mayChangeAttachments(u, a); err != nil {
		return model.Attachment{}, err
	}
	used, err := s.Store.AttachedBytes(ctx, appID)
	if err != nil {
		return model.Attachment{}, err
	}
	limit := min(s.Limits.FileBytes, s.Limits.ApplicationBytes-used)
	if limit <= 0 {
		return model.Attachment{}, s.tooLarge()
	}
	name = CleanFileName(name)
	br := bufio.NewReaderSize(body, filetype.SniffLen)
	head, err := br.Peek(filetype.SniffLen)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return model.Attachment{}, apperr.Wrap(apperr.BadRequest, i18n.T("Filen kunne ikke leses.", "The file could not be read."), err)
	}
	kind, err := filetype.Sniff(head, name)
	if err != nil {
		return model.Attachment{}, apperr.Wrap(apperr.Unsupported, msgRefusedType, err)
	}
	key := newObjectKey(appID)
	stored, err := s.Blobs.Put(ctx, key, br, kind.MIME, limit)
	switch {
	case errors.Is(err, blob.ErrTooLarge):
		return model.Attachment{}, s.tooLarge()
	case errors.Is(err, blob.ErrSource) || (err != nil && ctx.Err() != nil):
		return model.Attachment{}, apperr.Wrap(apperr.BadRequest, i18n.T("Opplastingen ble avbrutt.", "The upload was interrupted."), err)
	case err != nil:
		return model.Attachment{}, storageDown(err)
	}
	contentType := kind.MIME
	if kind.Zip {
		contentType, err = s.checkZip(ctx, key, stored.Size)
		if err != nil {
			s.removeObject(key)
			return model.Attachment{}, err
		}
	}
	name = filetype.NameFor(name, contentType)
	at, err := s.Store.AddAttachment(ctx, model.Attachment{
		ApplicationID: appID, ObjectKey: key, Name: name, ContentType: contentType,
		Size: stored.Size, SHA256: stored.SHA256, UploadedBy: u.ID,
	}, store.Change{ActorID: u.ID, RequestID: requestID, Now: s.Now()},
		func(cur model.Application, totalAfter int64) error {
			if err := mayChangeAttachments(u, cur); err != nil {
				return err
			}
			if totalAfter > s.Limits.ApplicationBytes {
				return s.tooLarge()
			}
			return nil
		})
	if err != nil {
		s.removeObject(key)
		return model.Attachment{}, err
	}
	at.UploaderName = u.Name
	return at, nil
}

func (s *Service) checkZip(ctx context.Context, key string, size int64) (string, error) {
	obj, err := s.Blobs.Open(ctx, key)
	if err != nil {
		return "", storageDown(err)
	}
	defer obj.Close()
	mime, err := filetype.CheckZip(obj, size)
	if errors.Is(err, filetype.ErrRefused) {
		return "", apperr.Wrap(apperr.Unsupported, msgRefusedType, err)
	}
	if err != nil {
		return "", storageDown(err)
	}
	return mime, nil
}

// removeObject deletes an object that no row may point to; if storage is
// down the orphan sweeper removes it later.
func (s *Service) removeObject(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = s.Blobs.Remove(ctx, key)
}

// Attachments lists the files of an application u may see.
func (s *Service) Attachments(ctx context.Context, u model.User, appID int64) ([]model.Attachment, error) {
	_, acc, err := s.open(ctx, u, appID)
	if err != nil {
		return nil, err
	}
	list, err := s.Store.Attachments(ctx, appID)
	if acc.blind {
		for i := range list {
			list[i].UploadedBy, list[i].UploaderName = 0, ""
		}
	}
	return list, err
}

var msgNoAttachment = i18n.T("Fant ikke vedlegget.", "Attachment not found.")

// hideAttachment turns "you may not see the application" into "no such
// attachment", and passes faults through.
func hideAttachment(err error) error {
	if apperr.Is(err, apperr.NotFound) || apperr.Is(err, apperr.Forbidden) {
		return apperr.New(apperr.NotFound, msgNoAttachment)
	}
	return err
}

// Attachment returns the record of a file of an application u may see,
// without its bytes.
func (s *Service) Attachment(ctx context.Context, u model.User, id int64) (model.Attachment, error) {
	at, err := s.Store.Attachment(ctx, id)
	if err != nil {
		return at, err
	}
	_, acc, err := s.open(ctx, u, at.ApplicationID)
	if err != nil {
		return model.Attachment{}, hideAttachment(err)
	}
	if acc.blind {
		at.UploadedBy, at.UploaderName = 0, ""
	}
	return at, nil
}

// OpenAttachment returns an attachment and a reader of its bytes (which
// also seeks, for ranges). A download by anyone but the uploader's own
// project lead is written to the history. The caller closes the reader.
func (s *Service) OpenAttachment(ctx context.Context, u model.User, id int64, requestID string) (model.Attachment, *minio.Object, error) {
	at, err := s.Store.Attachment(ctx, id)
	if err != nil {
		return at, nil, err
	}
	_, acc, err := s.open(ctx, u, at.ApplicationID)
	if err != nil {
		return model.Attachment{}, nil, hideAttachment(err)
	}
	if acc.blind {
		at.UploadedBy, at.UploaderName = 0, ""
	}
	obj, err := s.Blobs.Open(ctx, at.ObjectKey)
	if err != nil {
		return at, nil, storageDownRead(err)
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		return at, nil, storageDownRead(err)
	}
	if !acc.owner { // staff or a reviewer: logged
		err := s.Store.RecordAccess(ctx, at.ApplicationID, store.Change{ActorID: u.ID, RequestID: requestID, Now: s.Now()},
			model.EventAttachmentRead, at.Name)
		if err != nil {
			obj.Close()
			return at, nil, err
		}
	}
	return at, obj, nil
}

// DeleteAttachment removes a file from u's own editable application: the
// row and its history entry in one transaction, then the object.
func (s *Service) DeleteAttachment(ctx context.Context, u model.User, id int64, requestID string) error {
	at, err := s.Store.Attachment(ctx, id)
	if err != nil {
		return err
	}
	if _, err := s.Application(ctx, u, at.ApplicationID); err != nil {
		return hideAttachment(err)
	}
	at, err = s.Store.DeleteAttachment(ctx, id, store.Change{ActorID: u.ID, RequestID: requestID, Now: s.Now()},
		func(cur model.Application, _ model.Attachment) error { return mayChangeAttachments(u, cur) })
	if err != nil {
		return err
	}
	s.removeObject(at.ObjectKey)
	return nil
}

// SweepOrphans removes attachment objects older than an hour that no row
// refers to: left behind when a server died between object and row, or
// when the storage was down as a file was deleted.
func (s *Service) SweepOrphans(ctx context.Context) (int, error) {
	return s.Blobs.SweepOrphans(ctx, attachmentPrefix, orphanAge, s.Now(), func(key string) (bool, error) {
		return s.Store.AttachmentKeyExists(ctx, key)
	})
}
