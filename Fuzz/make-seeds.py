#!/usr/bin/env python3
"""Writes the fuzz seed corpus: Cobblestone-256 ciphertexts under the fuzz target's fixed key, made with an
independent implementation (pyca/cryptography's HKDF-Expand and AES-GCM), and sample key files."""
import os, shutil, sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

here = os.path.dirname(os.path.abspath(__file__))
key, context = bytes([0x42]) * 32, b"casevault/fuzz"

def seal(plaintext, salt):
    info = b"c2sp.org/chunked-encryption@v1+AEAD_AES_256_GCM\x00" + salt + context
    okm = HKDFExpand(hashes.SHA512(), 76, info).derive(key)
    aead, base, commitment = AESGCM(okm[:32]), okm[32:44], okm[44:]
    chunks = [plaintext[i:i + 16384] for i in range(0, len(plaintext) - len(plaintext) % 16384, 16384)]
    chunks.append(plaintext[len(chunks) * 16384:])
    out = salt + commitment
    for index, chunk in enumerate(chunks):
        nonce = bytes(a ^ b for a, b in zip(base, index.to_bytes(12, "big")))
        out += aead.encrypt(nonce, chunk, None)
    return out

os.makedirs(f"{here}/corpus/cobblestone", exist_ok=True)
for size in (0, 5, 16383, 16384, 16390):
    with open(f"{here}/corpus/cobblestone/seed-{size}", "wb") as f:
        f.write(seal(bytes(range(256)) * (size // 256) + bytes(size % 256), bytes([size % 251]) * 24))
os.makedirs(f"{here}/corpus/keyfile", exist_ok=True)
shutil.copy(f"{here}/../keys.example", f"{here}/corpus/keyfile/keys.example")
