;; The cloth photo's resampling loop (see ../analyze.ts, sampleSpan, which it must match): the bilinear
;; sample, through a homography, of the box around the cloth area-averaged m× in linear light, each
;; pixel's RGB as the lanes of one f32x4 (read unaligned from the interleaved RGB floats; the fourth
;; lane, the next px's red, is unused). Coordinates are computed in f64 exactly as the JavaScript loop
;; does; the filter runs in f32 lanes (one rounding step of difference at most, in a few pixels).
(module
  (import "env" "memory" (memory 1))

  ;; Output px X0, X0 + step, … < X1 of row Y through T (output px → photo px), as sRGB bytes from
  ;; $out on: the bilinear sample of the reduced box (RGB f32 per px, $lw × $lh, at photo (ox, oy),
  ;; 1/m the scale), through the linear → sRGB table (indexed by linear × 16384, rounded; $lutLast
  ;; its last index).
  (func (export "sample")
    (param $lin i32) (param $lw i32) (param $lh i32)
    (param $t0 f64) (param $t1 f64) (param $t2 f64) (param $t3 f64) (param $t4 f64) (param $t5 f64)
    (param $t6 f64) (param $t7 f64) (param $t8 f64)
    (param $ox f64) (param $oy f64) (param $im f64)
    (param $Y i32) (param $X0 i32) (param $X1 i32) (param $step i32)
    (param $out i32) (param $lut i32) (param $lutLast i32)
    (local $X i32) (local $yc f64) (local $xc f64) (local $nx0 f64) (local $ny0 f64) (local $dn0 f64)
    (local $iw f64) (local $sx f64) (local $sy f64) (local $xMax f64) (local $yMax f64)
    (local $x0 i32) (local $y0 i32) (local $fx f64) (local $fy f64) (local $a i32) (local $c i32)
    (local $row i32) (local $v v128) (local $idx v128) (local $lutEnd v128)
    (local.set $yc (f64.add (f64.convert_i32_s (local.get $Y)) (f64.const 0.5)))
    (local.set $nx0 (f64.add (f64.mul (local.get $t1) (local.get $yc)) (local.get $t2)))
    (local.set $ny0 (f64.add (f64.mul (local.get $t4) (local.get $yc)) (local.get $t5)))
    (local.set $dn0 (f64.add (f64.mul (local.get $t7) (local.get $yc)) (local.get $t8)))
    (local.set $xMax (f64.sub (f64.convert_i32_s (local.get $lw)) (f64.const 1.001)))
    (local.set $yMax (f64.sub (f64.convert_i32_s (local.get $lh)) (f64.const 1.001)))
    (local.set $row (i32.mul (local.get $lw) (i32.const 12)))
    (local.set $lutEnd (i32x4.splat (local.get $lutLast)))
    (local.set $X (local.get $X0))
    (block $done
      (loop $px
        (br_if $done (i32.ge_s (local.get $X) (local.get $X1)))
        (local.set $xc (f64.add (f64.convert_i32_s (local.get $X)) (f64.const 0.5)))
        (local.set $iw (f64.div (f64.const 1) (f64.add (f64.mul (local.get $t6) (local.get $xc)) (local.get $dn0))))
        (local.set $sx (f64.sub (f64.mul (f64.sub (f64.mul (f64.add (f64.mul (local.get $t0) (local.get $xc)) (local.get $nx0)) (local.get $iw)) (local.get $ox)) (local.get $im)) (f64.const 0.5)))
        (local.set $sy (f64.sub (f64.mul (f64.sub (f64.mul (f64.add (f64.mul (local.get $t3) (local.get $xc)) (local.get $ny0)) (local.get $iw)) (local.get $oy)) (local.get $im)) (f64.const 0.5)))
        ;; clamp as the JavaScript does (a NaN stays NaN there and lands on 0 through | 0; here too)
        (if (f64.lt (local.get $sx) (f64.const 0)) (then (local.set $sx (f64.const 0)))
          (else (if (f64.gt (local.get $sx) (local.get $xMax)) (then (local.set $sx (local.get $xMax))))))
        (if (f64.lt (local.get $sy) (f64.const 0)) (then (local.set $sy (f64.const 0)))
          (else (if (f64.gt (local.get $sy) (local.get $yMax)) (then (local.set $sy (local.get $yMax))))))
        (local.set $x0 (i32.trunc_sat_f64_s (local.get $sx)))
        (local.set $y0 (i32.trunc_sat_f64_s (local.get $sy)))
        (local.set $fx (f64.sub (local.get $sx) (f64.convert_i32_s (local.get $x0))))
        (local.set $fy (f64.sub (local.get $sy) (f64.convert_i32_s (local.get $y0))))
        (local.set $a (i32.add (local.get $lin) (i32.add (i32.mul (local.get $y0) (local.get $row)) (i32.mul (local.get $x0) (i32.const 12)))))
        (local.set $c (i32.add (local.get $a) (local.get $row)))
        (local.set $v
          (f32x4.add
            (f32x4.add
              (f32x4.mul (v128.load (local.get $a)) (f32x4.splat (f32.demote_f64 (f64.mul (f64.sub (f64.const 1) (local.get $fx)) (f64.sub (f64.const 1) (local.get $fy))))))
              (f32x4.mul (v128.load offset=12 (local.get $a)) (f32x4.splat (f32.demote_f64 (f64.mul (local.get $fx) (f64.sub (f64.const 1) (local.get $fy)))))))
            (f32x4.add
              (f32x4.mul (v128.load (local.get $c)) (f32x4.splat (f32.demote_f64 (f64.mul (f64.sub (f64.const 1) (local.get $fx)) (local.get $fy)))))
              (f32x4.mul (v128.load offset=12 (local.get $c)) (f32x4.splat (f32.demote_f64 (f64.mul (local.get $fx) (local.get $fy))))))))
        ;; The table index, round(linear × 16384), by the float's own rounding: + 2^23 leaves the
        ;; integer in the mantissa's bits (i32x4.trunc_sat_f32x4_s is a long sequence on x64: it took
        ;; half the loop's time). Only an exact tie rounds otherwise than the JavaScript's + 0.5 | 0.
        ;; (The clamp to the table's end only keeps a NaN from a degenerate map inside it.)
        (local.set $idx (i32x4.min_u
          (v128.and
            (f32x4.add (f32x4.mul (local.get $v) (f32x4.splat (f32.const 16384))) (f32x4.splat (f32.const 8388608)))
            (v128.const i32x4 0x7fffff 0x7fffff 0x7fffff 0x7fffff))
          (local.get $lutEnd)))
        (i32.store8 (local.get $out) (i32.load8_u (i32.add (local.get $lut) (i32x4.extract_lane 0 (local.get $idx)))))
        (i32.store8 offset=1 (local.get $out) (i32.load8_u (i32.add (local.get $lut) (i32x4.extract_lane 1 (local.get $idx)))))
        (i32.store8 offset=2 (local.get $out) (i32.load8_u (i32.add (local.get $lut) (i32x4.extract_lane 2 (local.get $idx)))))
        (local.set $out (i32.add (local.get $out) (i32.const 3)))
        (local.set $X (i32.add (local.get $X) (local.get $step)))
        (br $px)))))
