//! A small safe wrapper over AWS-LC's `BIGNUM`: exactly the arithmetic SRP needs, with
//! exponentiation by `BN_mod_exp_mont_consttime` (fixed windows, fixed memory access pattern) so
//! that secret exponents (the password-derived `x`, the ephemerals `a` and `b`) do not show in
//! the timing.
//!
//! Every AWS-LC call's status is checked; a failure (in practice only an allocation failure, or
//! an input AWS-LC refuses) becomes [`SrpError::Arithmetic`], never a panic. Every number is
//! freed with `BN_clear_free`, which overwrites its limbs first: nearly every value SRP computes
//! is secret or derived from a secret, and erasing a few hundred bytes costs nothing next to an
//! exponentiation.
//!
//! Constant time, as far as it goes: `BN_mod_exp_mont_consttime` uses the exponent's width in
//! 64-bit words, not its bit length, so only whether a whole top word is zero can show (a chance
//! of 2^-64 for a uniform exponent). Products and sums of secrets (`u * x + a`) go through
//! `BN_mul` and `BN_add`, which run on words, not bits. Comparisons ([`Ord`], [`BigNum::is_zero`])
//! are not constant-time and are only used on public values or on outcomes that abort the
//! exchange anyway.

use std::cmp::Ordering;
use std::fmt;
use std::os::raw::c_int;
use std::ptr::{self, NonNull};

use aws_lc_sys as ffi;

use zeroize::Zeroizing;

use super::error::SrpError;

/// The error for a failed AWS-LC call: the function's name and the first code on the thread's
/// error queue, which is then emptied so that no stale error is left for later AWS-LC users on
/// this thread (TLS, signing).
fn failure(function: &'static str) -> SrpError {
    // SAFETY: ERR_get_error and ERR_clear_error have no preconditions; they read and empty the
    // calling thread's own error queue.
    let code = unsafe { ffi::ERR_get_error() };
    // SAFETY: as above.
    unsafe { ffi::ERR_clear_error() };
    SrpError::Arithmetic { function, code }
}

/// Checks an AWS-LC status: 1 is success, anything else failure.
fn check(status: c_int, function: &'static str) -> Result<(), SrpError> {
    if status == 1 { Ok(()) } else { Err(failure(function)) }
}

/// Checks a pointer AWS-LC returned: null is failure.
fn non_null<T>(pointer: *mut T, function: &'static str) -> Result<NonNull<T>, SrpError> {
    NonNull::new(pointer).ok_or_else(|| failure(function))
}

/// An owned, non-negative AWS-LC `BIGNUM`, erased and freed on drop.
pub(crate) struct BigNum(NonNull<ffi::BIGNUM>);

// SAFETY: a `BigNum` owns its `BIGNUM` exclusively (nothing else holds the pointer), and a
// `BIGNUM` is plain heap memory with no tie to the thread that made it, so it may move between
// threads.
unsafe impl Send for BigNum {}
// SAFETY: through `&BigNum` this module only passes the pointer to AWS-LC functions that take
// `const BIGNUM *` (reads, as the operand of an operation); AWS-LC follows BoringSSL's convention
// that such functions do not mutate the object, so they may run concurrently on one `BIGNUM`.
// Every mutation goes through `&mut self` or a freshly made result.
unsafe impl Sync for BigNum {}

impl BigNum {
    /// A new number, zero.
    fn new() -> Result<Self, SrpError> {
        // SAFETY: BN_new has no preconditions; it returns a fresh BIGNUM (owned by us) or null.
        let pointer = unsafe { ffi::BN_new() };
        Ok(Self(non_null(pointer, "BN_new")?))
    }

    /// The unsigned big-endian integer `bytes`; leading zero bytes are allowed and not kept.
    pub(crate) fn from_be_bytes(bytes: &[u8]) -> Result<Self, SrpError> {
        // SAFETY: `bytes` is valid for reads of `bytes.len()` bytes for the duration of the call;
        // with a null `ret` BN_bin2bn allocates a fresh BIGNUM (owned by us) or returns null.
        let pointer = unsafe { ffi::BN_bin2bn(bytes.as_ptr(), bytes.len(), ptr::null_mut()) };
        Ok(Self(non_null(pointer, "BN_bin2bn")?))
    }

    fn as_ptr(&self) -> *const ffi::BIGNUM {
        self.0.as_ptr()
    }

    fn as_mut_ptr(&mut self) -> *mut ffi::BIGNUM {
        self.0.as_ptr()
    }

    /// The number of significant bytes: 0 for zero.
    pub(crate) fn num_bytes(&self) -> usize {
        // SAFETY: a valid BIGNUM, read only.
        unsafe { ffi::BN_num_bytes(self.as_ptr()) as usize }
    }

    /// The number of significant bits: 0 for zero.
    #[cfg(test)]
    pub(crate) fn num_bits(&self) -> u32 {
        // SAFETY: a valid BIGNUM, read only.
        unsafe { ffi::BN_num_bits(self.as_ptr()) }
    }

    /// Big-endian bytes without leading zeros; empty for zero.
    pub(crate) fn to_be_bytes(&self) -> Vec<u8> {
        let mut out = vec![0u8; self.num_bytes()];
        // SAFETY: `out` has room for exactly BN_num_bytes bytes, which is what BN_bn2bin writes.
        let written = unsafe { ffi::BN_bn2bin(self.as_ptr(), out.as_mut_ptr()) };
        debug_assert_eq!(written, out.len());
        out
    }

    /// Big-endian bytes left-padded with zeros to exactly `len` bytes; fails if the number needs
    /// more. (Cognito hashes minimal encodings, not RFC 5054's padded ones: tests only, for now.)
    #[cfg(test)]
    pub(crate) fn to_be_bytes_padded(&self, len: usize) -> Result<Vec<u8>, SrpError> {
        let mut out = vec![0u8; len];
        // SAFETY: `out` is valid for writes of `len` bytes; BN_bn2bin_padded writes at most that
        // and fails (returns 0) if the number does not fit.
        check(unsafe { ffi::BN_bn2bin_padded(out.as_mut_ptr(), len, self.as_ptr()) }, "BN_bn2bin_padded")?;
        Ok(out)
    }

    /// Whether the number is zero (not constant-time).
    pub(crate) fn is_zero(&self) -> bool {
        // SAFETY: a valid BIGNUM, read only.
        unsafe { ffi::BN_is_zero(self.as_ptr()) == 1 }
    }

    /// `self + other`, not reduced.
    pub(crate) fn add(&self, other: &BigNum) -> Result<BigNum, SrpError> {
        let mut sum = BigNum::new()?;
        // SAFETY: three valid BIGNUMs; `sum` is distinct from the operands and writable.
        check(unsafe { ffi::BN_add(sum.as_mut_ptr(), self.as_ptr(), other.as_ptr()) }, "BN_add")?;
        Ok(sum)
    }

    /// `self * other`, not reduced.
    pub(crate) fn mul(&self, other: &BigNum, ctx: &mut Ctx) -> Result<BigNum, SrpError> {
        let mut product = BigNum::new()?;
        // SAFETY: three valid BIGNUMs (`product` distinct and writable) and a BN_CTX used by this
        // thread only (`&mut Ctx`).
        let status = unsafe { ffi::BN_mul(product.as_mut_ptr(), self.as_ptr(), other.as_ptr(), ctx.as_mut_ptr()) };
        check(status, "BN_mul")?;
        Ok(product)
    }
}

impl Drop for BigNum {
    fn drop(&mut self) {
        // SAFETY: we own the BIGNUM and nothing uses it after this; BN_clear_free overwrites
        // its limbs before freeing them.
        unsafe { ffi::BN_clear_free(self.as_mut_ptr()) }
    }
}

/// Numeric order (not constant-time: for public values).
impl Ord for BigNum {
    fn cmp(&self, other: &Self) -> Ordering {
        // SAFETY: two valid BIGNUMs, read only.
        unsafe { ffi::BN_cmp(self.as_ptr(), other.as_ptr()) }.cmp(&0)
    }
}

impl PartialOrd for BigNum {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for BigNum {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for BigNum {}

impl fmt::Debug for BigNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values may be secret: only their size is shown.
        write!(f, "BigNum({} bytes)", self.num_bytes())
    }
}

/// An AWS-LC `BN_CTX`: scratch space for one thread's sequence of operations. Not `Send` or
/// `Sync` (it holds a raw pointer), as a `BN_CTX` must not be shared.
pub(crate) struct Ctx(NonNull<ffi::BN_CTX>);

impl Ctx {
    pub(crate) fn new() -> Result<Self, SrpError> {
        // SAFETY: BN_CTX_new has no preconditions; it returns a fresh BN_CTX (owned by us) or null.
        let pointer = unsafe { ffi::BN_CTX_new() };
        Ok(Self(non_null(pointer, "BN_CTX_new")?))
    }

    fn as_mut_ptr(&mut self) -> *mut ffi::BN_CTX {
        self.0.as_ptr()
    }
}

impl Drop for Ctx {
    fn drop(&mut self) {
        // SAFETY: we own the BN_CTX and nothing uses it after this.
        unsafe { ffi::BN_CTX_free(self.as_mut_ptr()) }
    }
}

/// An AWS-LC `BN_MONT_CTX`: the precomputed Montgomery constants of one modulus.
struct MontCtx(NonNull<ffi::BN_MONT_CTX>);

// SAFETY: the `MontCtx` owns its `BN_MONT_CTX` exclusively; it is plain heap memory with no tie to
// a thread.
unsafe impl Send for MontCtx {}
// SAFETY: after `BN_MONT_CTX_new_for_modulus` fills it, this module never mutates the
// `BN_MONT_CTX`: it is only passed as `const BN_MONT_CTX *` to BN_mod_exp_mont_consttime, which
// reads it. Concurrent reads of an object no one writes are safe.
unsafe impl Sync for MontCtx {}

impl Drop for MontCtx {
    fn drop(&mut self) {
        // SAFETY: we own the BN_MONT_CTX and nothing uses it after this.
        unsafe { ffi::BN_MONT_CTX_free(self.0.as_ptr()) }
    }
}

/// Arithmetic modulo a fixed, public, odd modulus, with its Montgomery context computed once.
/// `Send + Sync`: one instance (SRP's N) is shared by every thread.
pub(crate) struct Modulus {
    n: BigNum,
    mont: MontCtx,
}

impl Modulus {
    /// Prepares arithmetic modulo `n`, which must be odd and greater than one (AWS-LC's Montgomery
    /// arithmetic refuses anything else) and is treated as public.
    pub(crate) fn new(n: BigNum) -> Result<Self, SrpError> {
        let mut ctx = Ctx::new()?;
        // SAFETY: a valid BIGNUM (read only) and a BN_CTX of this thread; the result is a fresh
        // BN_MONT_CTX (owned by us) or null.
        let pointer = unsafe { ffi::BN_MONT_CTX_new_for_modulus(n.as_ptr(), ctx.as_mut_ptr()) };
        let mont = MontCtx(non_null(pointer, "BN_MONT_CTX_new_for_modulus")?);
        Ok(Self { n, mont })
    }

    /// The modulus.
    #[cfg(test)]
    pub(crate) fn value(&self) -> &BigNum {
        &self.n
    }

    /// `a mod n`, in `[0, n)`.
    pub(crate) fn reduce(&self, a: &BigNum, ctx: &mut Ctx) -> Result<BigNum, SrpError> {
        let mut r = BigNum::new()?;
        // SAFETY: valid BIGNUMs (`r` distinct and writable), a BN_CTX of this thread.
        check(unsafe { ffi::BN_nnmod(r.as_mut_ptr(), a.as_ptr(), self.n.as_ptr(), ctx.as_mut_ptr()) }, "BN_nnmod")?;
        Ok(r)
    }

    /// `a * b mod n`, in `[0, n)`.
    pub(crate) fn mul(&self, a: &BigNum, b: &BigNum, ctx: &mut Ctx) -> Result<BigNum, SrpError> {
        let mut r = BigNum::new()?;
        // SAFETY: valid BIGNUMs (`r` distinct and writable), a BN_CTX of this thread.
        let status =
            unsafe { ffi::BN_mod_mul(r.as_mut_ptr(), a.as_ptr(), b.as_ptr(), self.n.as_ptr(), ctx.as_mut_ptr()) };
        check(status, "BN_mod_mul")?;
        Ok(r)
    }

    /// `a + b mod n`, in `[0, n)`.
    pub(crate) fn add(&self, a: &BigNum, b: &BigNum, ctx: &mut Ctx) -> Result<BigNum, SrpError> {
        let mut r = BigNum::new()?;
        // SAFETY: valid BIGNUMs (`r` distinct and writable), a BN_CTX of this thread.
        let status =
            unsafe { ffi::BN_mod_add(r.as_mut_ptr(), a.as_ptr(), b.as_ptr(), self.n.as_ptr(), ctx.as_mut_ptr()) };
        check(status, "BN_mod_add")?;
        Ok(r)
    }

    /// `a - b mod n`, in `[0, n)` whatever the order of `a` and `b`.
    pub(crate) fn sub(&self, a: &BigNum, b: &BigNum, ctx: &mut Ctx) -> Result<BigNum, SrpError> {
        let mut r = BigNum::new()?;
        // SAFETY: valid BIGNUMs (`r` distinct and writable), a BN_CTX of this thread.
        let status =
            unsafe { ffi::BN_mod_sub(r.as_mut_ptr(), a.as_ptr(), b.as_ptr(), self.n.as_ptr(), ctx.as_mut_ptr()) };
        check(status, "BN_mod_sub")?;
        Ok(r)
    }

    /// `base ^ exponent mod n` in constant time with respect to `base` and `exponent` (see the
    /// module's notes), using the cached Montgomery context. `base` must already be reduced
    /// (`0 <= base < n`): AWS-LC refuses it otherwise, and that refusal is returned as an error.
    pub(crate) fn pow(&self, base: &BigNum, exponent: &BigNum, ctx: &mut Ctx) -> Result<BigNum, SrpError> {
        let mut r = BigNum::new()?;
        // SAFETY: valid BIGNUMs (`r` distinct and writable), a BN_CTX of this thread, and the
        // BN_MONT_CTX made for exactly `self.n`, which the call only reads.
        let status = unsafe {
            ffi::BN_mod_exp_mont_consttime(
                r.as_mut_ptr(),
                base.as_ptr(),
                exponent.as_ptr(),
                self.n.as_ptr(),
                ctx.as_mut_ptr(),
                self.mont.0.as_ptr(),
            )
        };
        check(status, "BN_mod_exp_mont_consttime")?;
        Ok(r)
    }
}

/// Digits of this many bits: each window of the exponent picks one of `2^WINDOW_BITS` powers.
const WINDOW_BITS: usize = 4;
const DIGITS: usize = 1 << WINDOW_BITS;

/// Powers of one fixed, public base for fixed-base exponentiation: for every window `j` of an
/// exponent and every digit `d`, `base^(d * 16^j)` in Montgomery form, as little-endian limbs of
/// the modulus's width. `base^e` is then one Montgomery product per 4-bit window of `e` (64 for
/// a 256-bit exponent) instead of a square per bit plus products, about four times less work
/// than [`Modulus::pow`]. Built once per base (SRP's g), read by every thread.
pub(crate) struct FixedBase {
    /// Limbs per entry: the modulus's width in 64-bit words.
    limbs: usize,
    /// The windows covered: exponents of up to `windows * 4` bits.
    windows: usize,
    /// `windows * 16` entries of `limbs` limbs each, window by window.
    table: Vec<u64>,
}

impl FixedBase {
    /// The widest exponent (in bytes) the table covers.
    pub(crate) fn max_exponent_bytes(&self) -> usize {
        self.windows * WINDOW_BITS / 8
    }
}

impl Modulus {
    /// The modulus's width in 64-bit limbs.
    fn limbs(&self) -> usize {
        self.n.num_bytes().div_ceil(8)
    }

    /// `a` in Montgomery form.
    fn to_montgomery(&self, a: &BigNum, ctx: &mut Ctx) -> Result<BigNum, SrpError> {
        let mut r = BigNum::new()?;
        // SAFETY: valid BIGNUMs (`r` distinct and writable), the BN_MONT_CTX of `self.n` (read
        // only), a BN_CTX of this thread.
        let status =
            unsafe { ffi::BN_to_montgomery(r.as_mut_ptr(), a.as_ptr(), self.mont.0.as_ptr(), ctx.as_mut_ptr()) };
        check(status, "BN_to_montgomery")?;
        Ok(r)
    }

    /// The Montgomery product `a * b / R mod n` of two numbers in Montgomery form, into `r`.
    fn mont_mul_into(&self, r: &mut BigNum, a: &BigNum, b: &BigNum, ctx: &mut Ctx) -> Result<(), SrpError> {
        // SAFETY: valid BIGNUMs, `r` distinct from both and writable; the BN_MONT_CTX of `self.n`
        // (read only); a BN_CTX of this thread.
        let status = unsafe {
            ffi::BN_mod_mul_montgomery(r.as_mut_ptr(), a.as_ptr(), b.as_ptr(), self.mont.0.as_ptr(), ctx.as_mut_ptr())
        };
        check(status, "BN_mod_mul_montgomery")
    }

    /// The limbs of `a` (< n), little-endian, padded to the modulus's width.
    fn limbs_of(&self, a: &BigNum, out: &mut [u64]) -> Result<(), SrpError> {
        let mut bytes = Zeroizing::new(vec![0u8; out.len() * 8]);
        // SAFETY: `bytes` is valid for writes of its length; BN_bn2le_padded writes exactly that
        // many bytes or fails when the number does not fit.
        check(unsafe { ffi::BN_bn2le_padded(bytes.as_mut_ptr(), bytes.len(), a.as_ptr()) }, "BN_bn2le_padded")?;
        for (limb, chunk) in out.iter_mut().zip(bytes.chunks_exact(8)) {
            *limb = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        }
        Ok(())
    }

    /// The table of `base` (reduced, public) for exponents of up to `max_exponent_bytes` bytes.
    pub(crate) fn fixed_base(&self, base: &BigNum, max_exponent_bytes: usize) -> Result<FixedBase, SrpError> {
        let mut ctx = Ctx::new()?;
        let limbs = self.limbs();
        let windows = max_exponent_bytes * 8 / WINDOW_BITS;
        let mut table = vec![0u64; windows * DIGITS * limbs];
        let mut one = BigNum::new()?;
        // SAFETY: a valid, writable BIGNUM.
        check(unsafe { ffi::BN_one(one.as_mut_ptr()) }, "BN_one")?;
        let mont_one = self.to_montgomery(&one, &mut ctx)?;
        // `step` is base^(16^j) in Montgomery form, for the window `j` being filled.
        let mut step = self.to_montgomery(base, &mut ctx)?;
        let mut scratch = BigNum::new()?;
        for window in 0..windows {
            let entries = &mut table[window * DIGITS * limbs..(window + 1) * DIGITS * limbs];
            self.limbs_of(&mont_one, &mut entries[..limbs])?;
            let mut power = self.to_montgomery(&one, &mut ctx)?;
            for digit in 1..DIGITS {
                self.mont_mul_into(&mut scratch, &power, &step, &mut ctx)?;
                std::mem::swap(&mut power, &mut scratch);
                self.limbs_of(&power, &mut entries[digit * limbs..(digit + 1) * limbs])?;
            }
            // The next window's step: step^16, four squarings.
            for _ in 0..WINDOW_BITS {
                self.mont_mul_into(&mut scratch, &step, &step, &mut ctx)?;
                std::mem::swap(&mut step, &mut scratch);
            }
        }
        Ok(FixedBase { limbs, windows, table })
    }

    /// `base ^ exponent mod n` with the table of `base`, the exponent read as `width` bytes (at
    /// most `table.max_exponent_bytes()`; a wider exponent is an error, and the caller uses
    /// [`Modulus::pow`]). Constant time in `exponent` for a given `width`: every window reads
    /// all sixteen entries of its row (the one wanted is kept by a mask, never by a branch or an
    /// index), and every window costs one Montgomery product, whatever its digit.
    pub(crate) fn pow_fixed(
        &self,
        table: &FixedBase,
        exponent: &BigNum,
        width: usize,
        ctx: &mut Ctx,
    ) -> Result<BigNum, SrpError> {
        if width > table.max_exponent_bytes() {
            return Err(SrpError::Arithmetic { function: "pow_fixed", code: 0 });
        }
        let mut digits_le = Zeroizing::new(vec![0u8; width]);
        // SAFETY: `digits_le` is valid for writes of `width` bytes; BN_bn2le_padded fails if the
        // exponent does not fit.
        check(unsafe { ffi::BN_bn2le_padded(digits_le.as_mut_ptr(), width, exponent.as_ptr()) }, "BN_bn2le_padded")?;
        let limbs = table.limbs;
        let mut chosen = Zeroizing::new(vec![0u64; limbs]);
        let mut chosen_bytes = Zeroizing::new(vec![0u8; limbs * 8]);
        let mut entry = BigNum::new()?;
        let mut one = BigNum::new()?;
        // SAFETY: a valid, writable BIGNUM.
        check(unsafe { ffi::BN_one(one.as_mut_ptr()) }, "BN_one")?;
        let mut acc = self.to_montgomery(&one, ctx)?;
        let mut scratch = BigNum::new()?;
        for window in 0..width * 8 / WINDOW_BITS {
            let byte = digits_le[window / 2];
            let digit = u64::from(if window % 2 == 0 { byte & 0x0f } else { byte >> 4 });
            chosen.fill(0);
            let row = &table.table[window * DIGITS * limbs..(window + 1) * DIGITS * limbs];
            for (d, candidate) in row.chunks_exact(limbs).enumerate() {
                // All ones when d == digit, else zero, without a branch on the secret digit.
                let mask = std::hint::black_box(((d as u64 ^ digit).wrapping_sub(1) >> 63).wrapping_neg());
                for (out, limb) in chosen.iter_mut().zip(candidate) {
                    *out |= limb & mask;
                }
            }
            for (chunk, limb) in chosen_bytes.chunks_exact_mut(8).zip(chosen.iter()) {
                chunk.copy_from_slice(&limb.to_le_bytes());
            }
            // SAFETY: `chosen_bytes` is valid for reads of its length; `entry` is a valid BIGNUM
            // we own, which BN_le2bn overwrites (returning it) or leaves alone (returning null).
            let loaded = unsafe { ffi::BN_le2bn(chosen_bytes.as_ptr(), chosen_bytes.len(), entry.as_mut_ptr()) };
            non_null(loaded, "BN_le2bn")?;
            self.mont_mul_into(&mut scratch, &acc, &entry, ctx)?;
            std::mem::swap(&mut acc, &mut scratch);
        }
        let mut r = BigNum::new()?;
        // SAFETY: valid BIGNUMs (`r` distinct and writable), the BN_MONT_CTX of `self.n` (read
        // only), a BN_CTX of this thread.
        let status =
            unsafe { ffi::BN_from_montgomery(r.as_mut_ptr(), acc.as_ptr(), self.mont.0.as_ptr(), ctx.as_mut_ptr()) };
        check(status, "BN_from_montgomery")?;
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::super::group::{group, parse_hex, to_hex};
    use super::*;

    /// A 256-bit exponent (the size of the password-derived x): SHA-256("srp bn test x").
    const X: &str = "7fbf2650a5dd76e2757e483ddf5d755f93b8610a304e0f0820731289e95736a3";
    /// 2^X mod N, computed independently with Python's `pow(2, X, N)`.
    const G_POW_X: &str = concat!(
        "485488c0595f47d85bdaeaecedeb2c8fabcf71a6ed8629f3d5530ac909cc80649ea2d7bb27815adaa661c05be1de37d9",
        "3339a424278dd67cbc954b93c0424add228f3e1e511be4e90ad6d1e12442423dacea86c80a1a2481393bc97cf207d231",
        "9ad1b9076ba3a805e156fe21e5877c82fcf316606d2600e629d3f56c60fb7ddb375f88017e6029cb27bcfb1a8681dd13",
        "23a1ca2d4bdcb5f8f75ade08b8484fb61d0e4790e2bf142c1800355ecd6b5c60b242cdb5176af5c6d357fd69f8bc7b8b",
        "7a56ac70a96af8e40bfcdca52e7ed4277ae7cd9573407ae727b2ceb5de98f2ad85c4c9645f0d097773579d2fd6441ef6",
        "926681a20ae3a4486eb7500467ccd9cfa9cfc07ab6057616a070ef9850b60eadbe4a87c2316c0911c08ecf7daa7dce5d",
        "680143f187059df8a9bd88ec9127fc5aa3dd6942eb6e0808bb75fc2010937bf149004b4a840dbc66390ce2d3f663a39e",
        "1cde0314d062a863093a5480c68c6c3be1658aec2fed981f1dac73a204f8830eb90a274c25083458b0276c38148639f7",
    );
    /// A full-size base below N: SHA-512("srp bn test base") six times over, reduced mod N.
    const BASE: &str = concat!(
        "e0e9324570af91a403f6cab01589c0141fc1b62506211ff0cee641d67ec27f9bcf44aa24ab306f9b36957faa59c584d2",
        "888152495e92206c111834ba71f016ade0e9324570af91a403f6cab01589c0141fc1b62506211ff0cee641d67ec27f9b",
        "cf44aa24ab306f9b36957faa59c584d2888152495e92206c111834ba71f016ade0e9324570af91a403f6cab01589c014",
        "1fc1b62506211ff0cee641d67ec27f9bcf44aa24ab306f9b36957faa59c584d2888152495e92206c111834ba71f016ad",
        "e0e9324570af91a403f6cab01589c0141fc1b62506211ff0cee641d67ec27f9bcf44aa24ab306f9b36957faa59c584d2",
        "888152495e92206c111834ba71f016ade0e9324570af91a403f6cab01589c0141fc1b62506211ff0cee641d67ec27f9b",
        "cf44aa24ab306f9b36957faa59c584d2888152495e92206c111834ba71f016ade0e9324570af91a403f6cab01589c014",
        "1fc1b62506211ff0cee641d67ec27f9bcf44aa24ab306f9b36957faa59c584d2888152495e92206c111834ba71f016ad",
    );
    /// A 1024-bit exponent (the size of the ephemerals a and b): SHA-512("srp bn test exponent")
    /// twice over.
    const EXPONENT: &str = concat!(
        "25a67aa5a573d20822ef72a69750e8129e1062c9db0a88cf50f367bbf0963e4800b5e2b15949ebf95f7684aca9d4ad36",
        "a2927c9de3b48fa8cad4728c4a000f4025a67aa5a573d20822ef72a69750e8129e1062c9db0a88cf50f367bbf0963e48",
        "00b5e2b15949ebf95f7684aca9d4ad36a2927c9de3b48fa8cad4728c4a000f40",
    );
    /// BASE^EXPONENT mod N, computed independently with Python's `pow(BASE, EXPONENT, N)`.
    const BASE_POW_EXPONENT: &str = concat!(
        "ebc4211309fa186a3c585ee9c4b68431d6a7debaf2626dadba08060633e0b6a7caff284705fe53624e3452a651df99be",
        "db9086846a19356d8c8a0433c7c5a3427d2b5061620d3d1cbae6227889d178cff22e3dc0bc464104a233d4d915215245",
        "e77b899fab51a0755dc5f0582b91dd7dd1127e62ec8c234b3bb1818627acb9dc6459eeca0f9a94a937a0ef689d1c6b60",
        "30ebc850ae096ad33c14b94ebd3f08a54dd613ad314de1e2d7fc6bb6e67f779f727679ad7401eb099a67e91120d9d148",
        "1b877c83c4f619d5c504df4c62dbb3a2bfca58a7c706496b43592e535411537114830c630160e4e41b122f26ebefb708",
        "a25f2662277783943c3082049a8329af9f8ac6179777213980e90b69c742f93fc328b28db0748bdce91a0ee9128303e2",
        "71896b104245f07dd72ff71c9ef64fb33718bc20eb0fd62d6475b449da1e1e27865583a2b27b27ff8858c64f21d7ac39",
        "cdf6fe1ac70d1ba7f96097f07494752a8f3b69f332c862f464fb02d5ed850d121e3580e8aee92c14033f3d681eee9f9f",
    );

    fn num(hex: &str) -> BigNum {
        BigNum::from_be_bytes(&parse_hex(hex, "test").unwrap()).unwrap()
    }

    fn hex(n: &BigNum) -> String {
        to_hex(&n.to_be_bytes())
    }

    fn n() -> &'static Modulus {
        &group().unwrap().n
    }

    fn n_minus(k: &str) -> BigNum {
        n().sub(&BigNum::new().unwrap(), &num(k), &mut Ctx::new().unwrap()).unwrap()
    }

    #[test]
    fn exponentiation_matches_independently_computed_values() {
        let mut ctx = Ctx::new().unwrap();
        assert_eq!(hex(&n().pow(&num("2"), &num(X), &mut ctx).unwrap()), G_POW_X);
        assert_eq!(hex(&n().pow(&num(BASE), &num(EXPONENT), &mut ctx).unwrap()), BASE_POW_EXPONENT);
        // The same context serves again: nothing is left over from the last call.
        assert_eq!(hex(&n().pow(&num("2"), &num(X), &mut ctx).unwrap()), G_POW_X);
    }

    #[test]
    fn exponentiation_edge_cases() {
        let mut ctx = Ctx::new().unwrap();
        let pow = |base: &BigNum, e: &str, ctx: &mut Ctx| hex(&n().pow(base, &num(e), ctx).unwrap());
        assert_eq!(pow(&num(BASE), "0", &mut ctx), "1");
        assert_eq!(pow(&num(BASE), "1", &mut ctx), BASE);
        assert_eq!(pow(&num("0"), "5", &mut ctx), "0");
        assert_eq!(pow(&num("2"), "a", &mut ctx), "400");
        assert_eq!(pow(&num("2"), "10", &mut ctx), "10000");
        // (N - 1)^2 = 1 and, N being prime, Fermat: g^(N-1) = 1.
        assert_eq!(pow(&n_minus("1"), "2", &mut ctx), "1");
        assert_eq!(hex(&n().pow(&num("2"), &n_minus("1"), &mut ctx).unwrap()), "1");
        // An exponent wider than N works (the client's a + u * x is).
        let wide = num(EXPONENT).mul(&num(BASE), &mut ctx).unwrap();
        let split = n().pow(&n().pow(&num("2"), &num(EXPONENT), &mut ctx).unwrap(), &num(BASE), &mut ctx).unwrap();
        assert_eq!(n().pow(&num("2"), &wide, &mut ctx).unwrap(), split);
    }

    #[test]
    fn an_unreduced_base_is_an_error_not_a_panic_and_leaves_no_error_queued() {
        let mut ctx = Ctx::new().unwrap();
        let too_big = n().value().add(&num("2")).unwrap();
        match n().pow(&too_big, &num("3"), &mut ctx) {
            Err(SrpError::Arithmetic { function, code }) => {
                assert_eq!(function, "BN_mod_exp_mont_consttime");
                assert_ne!(code, 0);
            }
            other => panic!("{other:?}"),
        }
        // SAFETY: no preconditions; reads this thread's error queue.
        assert_eq!(unsafe { ffi::ERR_peek_error() }, 0);
        // Reduced first, it works.
        let reduced = n().reduce(&too_big, &mut ctx).unwrap();
        assert_eq!(hex(&n().pow(&reduced, &num("3"), &mut ctx).unwrap()), "8");
    }

    #[test]
    fn an_even_modulus_is_refused() {
        assert!(matches!(Modulus::new(num("10")), Err(SrpError::Arithmetic { .. })));
        // SAFETY: as above.
        assert_eq!(unsafe { ffi::ERR_peek_error() }, 0);
    }

    #[test]
    fn modular_add_sub_mul_and_reduce() {
        let mut ctx = Ctx::new().unwrap();
        let n = n();
        assert_eq!(n.sub(&num("1"), &num("2"), &mut ctx).unwrap(), n_minus("1"));
        assert!(n.add(&n_minus("1"), &num("1"), &mut ctx).unwrap().is_zero());
        assert_eq!(hex(&n.add(&n_minus("1"), &num("5"), &mut ctx).unwrap()), "4");
        assert_eq!(hex(&n.mul(&n_minus("1"), &n_minus("1"), &mut ctx).unwrap()), "1");
        assert_eq!(hex(&n.mul(&num("ff"), &num("100"), &mut ctx).unwrap()), "ff00");
        assert!(n.reduce(n.value(), &mut ctx).unwrap().is_zero());
        let n_plus_5 = n.value().add(&num("5")).unwrap();
        assert_eq!(hex(&n.reduce(&n_plus_5, &mut ctx).unwrap()), "5");
        // Unreduced operands are fine for these.
        assert_eq!(hex(&n.mul(&n_plus_5, &num("2"), &mut ctx).unwrap()), "a");
        assert_eq!(hex(&num("123").mul(&num("1000"), &mut ctx).unwrap()), "123000");
        assert_eq!(hex(&num("ffffffffffffffff").add(&num("1")).unwrap()), "10000000000000000");
    }

    #[test]
    fn byte_encodings_round_trip_with_leading_zeros() {
        // Leading zero bytes are not significant on the way in...
        assert_eq!(BigNum::from_be_bytes(&[0, 0, 1, 2]).unwrap().to_be_bytes(), [1, 2]);
        assert_eq!(BigNum::from_be_bytes(&[0, 0, 1, 2]).unwrap(), BigNum::from_be_bytes(&[1, 2]).unwrap());
        // ...and come back only when asked for, as padding to a fixed length.
        let small = BigNum::from_be_bytes(&[1, 2]).unwrap();
        assert_eq!(small.to_be_bytes_padded(4).unwrap(), [0, 0, 1, 2]);
        assert_eq!(small.to_be_bytes_padded(2).unwrap(), [1, 2]);
        assert!(matches!(small.to_be_bytes_padded(1), Err(SrpError::Arithmetic { .. })));
        // SAFETY: as above.
        assert_eq!(unsafe { ffi::ERR_peek_error() }, 0);

        // Zero: no bytes minimal, all zeros padded; from nothing or from zeros.
        for zero in [&[][..], &[0], &[0, 0, 0]] {
            let zero = BigNum::from_be_bytes(zero).unwrap();
            assert!(zero.is_zero());
            assert_eq!(zero.to_be_bytes(), Vec::<u8>::new());
            assert_eq!(zero.to_be_bytes_padded(3).unwrap(), [0, 0, 0]);
        }

        // A group element whose top byte is zero, padded to N's 384 bytes and back.
        let mut padded = vec![0u8; 384];
        padded[1] = 0x80;
        padded[383] = 0x01;
        let value = BigNum::from_be_bytes(&padded).unwrap();
        assert_eq!(value.num_bits(), 383 * 8);
        assert_eq!(value.to_be_bytes(), &padded[1..]);
        assert_eq!(value.to_be_bytes_padded(384).unwrap(), padded);
        assert_eq!(BigNum::from_be_bytes(&value.to_be_bytes_padded(384).unwrap()).unwrap(), value);

        // Every byte value survives, at every position.
        let all: Vec<u8> = (1..=255).collect();
        assert_eq!(BigNum::from_be_bytes(&all).unwrap().to_be_bytes(), all);
        assert_eq!(hex(&num(G_POW_X)), G_POW_X);
    }

    #[test]
    fn comparisons_are_numeric() {
        assert!(num("ff") < num("100"));
        assert!(num("100") > num("ff"));
        assert_eq!(num("00ab"), num("ab"));
        assert!(n_minus("1") < *n().value());
        assert!(!num("1").is_zero());
    }

    #[test]
    fn the_shared_group_is_send_and_sync_and_usable_from_many_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<BigNum>();
        send_sync::<Modulus>();
        send_sync::<super::super::group::Group>();
        let threads: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(|| {
                    let mut ctx = Ctx::new().unwrap();
                    (0..3).map(|_| hex(&n().pow(&num("2"), &num(X), &mut ctx).unwrap())).collect::<Vec<_>>()
                })
            })
            .collect();
        for thread in threads {
            assert!(thread.join().unwrap().iter().all(|v| v == G_POW_X));
        }
    }

    #[test]
    fn debug_shows_no_value() {
        assert_eq!(format!("{:?}", num("abcdef")), "BigNum(3 bytes)");
    }

    #[test]
    fn fixed_base_exponentiation_matches_the_general_one() {
        use super::super::group::random_bytes;
        let grp = group().unwrap();
        let mut ctx = Ctx::new().unwrap();
        // A small table (exponents up to 16 bytes) of g, and of a full-size base.
        for base in [BigNum::from_be_bytes(&[2]).unwrap(), num(BASE)] {
            let table = grp.n.fixed_base(&base, 16).unwrap();
            assert_eq!(table.max_exponent_bytes(), 16);
            let mut exponents = vec![
                BigNum::from_be_bytes(&[]).unwrap(),
                BigNum::from_be_bytes(&[1]).unwrap(),
                BigNum::from_be_bytes(&[0x0f]).unwrap(),
                BigNum::from_be_bytes(&[0xff; 16]).unwrap(),
                BigNum::from_be_bytes(&[0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]).unwrap(),
            ];
            for _ in 0..20 {
                exponents.push(BigNum::from_be_bytes(&random_bytes::<16>().unwrap()).unwrap());
            }
            for e in &exponents {
                let expected = grp.n.pow(&base, e, &mut ctx).unwrap();
                assert_eq!(grp.n.pow_fixed(&table, e, 16, &mut ctx).unwrap(), expected, "{}", hex(e));
                if e.num_bytes() <= 8 {
                    assert_eq!(grp.n.pow_fixed(&table, e, 8, &mut ctx).unwrap(), expected, "{}", hex(e));
                }
            }
            // Wider than the table, or than the width asked for: an error, not a wrong answer.
            let wide = BigNum::from_be_bytes(&[1; 17]).unwrap();
            assert!(grp.n.pow_fixed(&table, &wide, 16, &mut ctx).is_err());
            assert!(grp.n.pow_fixed(&table, &exponents[3], 8, &mut ctx).is_err());
            assert!(grp.n.pow_fixed(&table, &exponents[3], 17, &mut ctx).is_err());
        }
    }

    #[test]
    fn g_pow_agrees_with_the_general_exponentiation_for_every_width() {
        use super::super::group::{g_pow, random_bytes};
        let grp = group().unwrap();
        let mut ctx = Ctx::new().unwrap();
        let x = num(X);
        assert_eq!(hex(&g_pow(&x, &mut ctx).unwrap()), G_POW_X);
        let exponents = [
            random_bytes::<32>().unwrap().to_vec(),
            random_bytes::<128>().unwrap().to_vec(),
            random_bytes::<33>().unwrap().to_vec(),
            random_bytes::<200>().unwrap().to_vec(),
            vec![7],
        ];
        for bytes in exponents {
            let e = BigNum::from_be_bytes(&bytes).unwrap();
            assert_eq!(g_pow(&e, &mut ctx).unwrap(), grp.n.pow(&grp.g, &e, &mut ctx).unwrap(), "{} bytes", bytes.len());
        }
    }
}
