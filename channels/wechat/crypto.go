package wechat

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/silenceper/wechat/v2/util"
)

// sign returns WeChat's signature of parts: the lower-case hex SHA-1 of the
// parts sorted bytewise and concatenated. URL verification and plain-mode
// messages sign (token, timestamp, nonce); safe mode adds the Encrypt text.
func sign(parts ...string) string {
	p := append([]string(nil), parts...)
	sort.Strings(p) // Go compares strings bytewise, as WeChat does
	h := sha1.New()
	for _, s := range p {
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// validSignature reports whether got is the signature of parts. The
// comparison takes constant time (crypto/subtle) so response timing tells a
// forger nothing about how many leading characters were right; the library
// compares with ==.
//
// Only lower-case hex is accepted: WeChat always sends lower case, so an
// upper-case signature did not come from WeChat, and accepting exactly one
// spelling keeps the comparison a plain byte compare.
func validSignature(got string, parts ...string) bool {
	want := sign(parts...)
	return len(got) == len(want) && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// aesKey is one decoded EncodingAESKey.
type aesKey struct {
	key []byte // 32 bytes; the IV is key[:16]
}

// parseAESKey decodes an EncodingAESKey (43 characters of base64 without
// the trailing "="). It returns an error for any other length or alphabet.
func parseAESKey(encoded string) (aesKey, error) {
	if len(encoded) != 43 {
		return aesKey{}, fmt.Errorf("wechat: EncodingAESKey must be 43 characters, got %d", len(encoded))
	}
	k, err := base64.StdEncoding.DecodeString(encoded + "=")
	if err != nil || len(k) != 32 {
		return aesKey{}, errors.New("wechat: EncodingAESKey is not valid base64 of 32 bytes")
	}
	return aesKey{key: k}, nil
}

// errDecrypt is every decryption failure: the caller answers 400 and the
// details go no further than the log.
var errDecrypt = errors.New("wechat: cannot decrypt message")

// errAppID means the message decrypted but was meant for another account.
var errAppID = errors.New("wechat: message is for another appid")

// maxCiphertext bounds the base64 Encrypt text; the body limit already
// bounds it, this keeps decrypt safe to call on its own (fuzzing).
const maxCiphertext = 1 << 20

// decrypt opens a safe-mode Encrypt text with k and returns the message XML.
// It checks the base64, the block alignment, the PKCS#7 padding (1..32, every
// pad byte), the length field and the appid, and never panics.
//
// Decryption is ours, not the library's util.DecryptMsg: that one leans on
// recover() for bad input, re-decodes the key for every message (rotation
// wants both keys decoded once) and does not check the pad bytes agree.
func (k aesKey) decrypt(encrypted, appID string) ([]byte, error) {
	if encrypted == "" || len(encrypted) > maxCiphertext || len(k.key) != 32 {
		return nil, errDecrypt
	}
	ct, err := base64.StdEncoding.Strict().DecodeString(encrypted)
	if err != nil || len(ct) < 32 || len(ct)%32 != 0 {
		return nil, errDecrypt
	}
	block, err := aes.NewCipher(k.key)
	if err != nil {
		return nil, errDecrypt
	}
	pt := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, k.key[:16]).CryptBlocks(pt, ct)
	n := int(pt[len(pt)-1])
	if n < 1 || n > 32 {
		return nil, errDecrypt
	}
	for _, b := range pt[len(pt)-n:] {
		if int(b) != n {
			return nil, errDecrypt
		}
	}
	pt = pt[:len(pt)-n]
	if len(pt) < 20 {
		return nil, errDecrypt
	}
	size := uint64(binary.BigEndian.Uint32(pt[16:20]))
	if size > uint64(len(pt)-20) {
		return nil, errDecrypt // the length field points past the payload
	}
	msg, id := pt[20:20+size], pt[20+size:]
	if len(id) != len(appID) || subtle.ConstantTimeCompare(id, []byte(appID)) != 1 {
		return nil, errAppID
	}
	return msg, nil
}

// encrypt seals msg for appID with k: random(16) | uint32 len | msg | appid,
// PKCS#7 to 32 bytes, AES-256-CBC with IV key[:16], base64. The CBC step is
// the library's util.AESEncryptMsg.
func (k aesKey) encrypt(msg []byte, appID string) (string, error) {
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return "", fmt.Errorf("wechat: random: %w", err)
	}
	return k.encryptWith(random, msg, appID), nil
}

func (k aesKey) encryptWith(random, msg []byte, appID string) string {
	return base64.StdEncoding.EncodeToString(util.AESEncryptMsg(random, msg, appID, k.key))
}

// nonce returns a random 10-digit decimal string for a safe-mode reply.
func nonce() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail on supported platforms
	return strconv.FormatUint(1_000_000_000+binary.BigEndian.Uint64(b[:])%9_000_000_000, 10)
}
