;; The compose engine's hot loop (see ../render.ts, renderCloth, which it must match): for each cloth
;; pixel, a bilinear tap of the wrapped tile as one f32x4 (RGB + pad), × the shade multiplier, + lustre,
;; → sRGB through the colour table, blended by coverage at the edges.
;; The pixel's coordinates are computed in f64 exactly as the JavaScript loop does; the four-texel
;; filter runs in f32 lanes (one rounding step of difference at most, in a few pixels).
(module
  (import "env" "memory" (memory 1))
  (func (export "cloth")
    (param $n i32)        ;; cloth pixels
    (param $pix i32)      ;; i32[n]: pixel index in the image
    (param $u i32)        ;; f32[n]: cloth coordinates, nominal px
    (param $v i32)        ;; f32[n]
    (param $q i32)        ;; u16[n]: shade level
    (param $cov i32)      ;; u8[n]: coverage 0..255
    (param $tex i32)      ;; f32x4[(tw+1)×(th+1)]: texels in table units
    (param $tw f64) (param $th f64) (param $sx f64) (param $sy f64)
    (param $mul i32)      ;; f32[levels]
    (param $add i32)      ;; f32[levels]: lustre in table units + 0.5
    (param $lut i32)      ;; u8[]: table units → sRGB
    (param $out i32)      ;; u8[w×h×3]
    (local $k i32) (local $x f64) (local $y f64) (local $x0 i32) (local $y0 i32)
    (local $fx v128) (local $fy v128) (local $row i32) (local $i00 i32) (local $i01 i32)
    (local $a v128) (local $b v128) (local $top v128) (local $idx v128)
    (local $qq i32) (local $o i32) (local $c i32) (local $t f64)
    (local $r i32) (local $g i32) (local $bl i32) (local $invTw f64) (local $invTh f64)
    (local.set $invTw (f64.div (f64.const 1) (local.get $tw)))
    (local.set $invTh (f64.div (f64.const 1) (local.get $th)))
    ;; bytes per texel row
    (local.set $row (i32.shl (i32.add (i32.trunc_f64_s (local.get $tw)) (i32.const 1)) (i32.const 4)))
    (block $done
      (loop $px
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (local.set $x (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $u) (i32.shl (local.get $k) (i32.const 2))))) (local.get $sx)))
        (local.set $y (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $v) (i32.shl (local.get $k) (i32.const 2))))) (local.get $sy)))
        (local.set $x (f64.sub (local.get $x) (f64.mul (f64.floor (f64.mul (local.get $x) (local.get $invTw))) (local.get $tw))))
        (local.set $y (f64.sub (local.get $y) (f64.mul (f64.floor (f64.mul (local.get $y) (local.get $invTh))) (local.get $th))))
        (local.set $x0 (i32.trunc_f64_s (local.get $x)))
        (local.set $y0 (i32.trunc_f64_s (local.get $y)))
        (local.set $fx (f32x4.splat (f32.demote_f64 (f64.sub (local.get $x) (f64.convert_i32_s (local.get $x0))))))
        (local.set $fy (f32x4.splat (f32.demote_f64 (f64.sub (local.get $y) (f64.convert_i32_s (local.get $y0))))))
        (local.set $i00 (i32.add (local.get $tex) (i32.add (i32.mul (local.get $y0) (local.get $row)) (i32.shl (local.get $x0) (i32.const 4)))))
        (local.set $i01 (i32.add (local.get $i00) (local.get $row)))
        ;; top row and bottom row, each lerped across, then down
        (local.set $a (v128.load (local.get $i00)))
        (local.set $top (f32x4.add (local.get $a) (f32x4.mul (f32x4.sub (v128.load offset=16 (local.get $i00)) (local.get $a)) (local.get $fx))))
        (local.set $b (v128.load (local.get $i01)))
        (local.set $b (f32x4.add (local.get $b) (f32x4.mul (f32x4.sub (v128.load offset=16 (local.get $i01)) (local.get $b)) (local.get $fx))))
        (local.set $top (f32x4.add (local.get $top) (f32x4.mul (f32x4.sub (local.get $b) (local.get $top)) (local.get $fy))))
        (local.set $qq (i32.shl (i32.load16_u (i32.add (local.get $q) (i32.shl (local.get $k) (i32.const 1)))) (i32.const 2)))
        (local.set $idx (i32x4.trunc_sat_f32x4_s
          (f32x4.add
            (f32x4.mul (local.get $top) (f32x4.splat (f32.load (i32.add (local.get $mul) (local.get $qq)))))
            (f32x4.splat (f32.load (i32.add (local.get $add) (local.get $qq)))))))
        (local.set $r (i32.load8_u (i32.add (local.get $lut) (i32x4.extract_lane 0 (local.get $idx)))))
        (local.set $g (i32.load8_u (i32.add (local.get $lut) (i32x4.extract_lane 1 (local.get $idx)))))
        (local.set $bl (i32.load8_u (i32.add (local.get $lut) (i32x4.extract_lane 2 (local.get $idx)))))
        (local.set $o (i32.add (local.get $out) (i32.mul (i32.load (i32.add (local.get $pix) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 3))))
        (local.set $c (i32.load8_u (i32.add (local.get $cov) (local.get $k))))
        (if (i32.eq (local.get $c) (i32.const 255))
          (then
            (i32.store8 (local.get $o) (local.get $r))
            (i32.store8 offset=1 (local.get $o) (local.get $g))
            (i32.store8 offset=2 (local.get $o) (local.get $bl)))
          (else
            ;; anti-aliased edge: out + (c - out) × t + 0.5, truncated, as the JavaScript loop stores it
            (local.set $t (f64.div (f64.convert_i32_u (local.get $c)) (f64.const 255)))
            (call $blend (local.get $o) (local.get $r) (local.get $t))
            (call $blend (i32.add (local.get $o) (i32.const 1)) (local.get $g) (local.get $t))
            (call $blend (i32.add (local.get $o) (i32.const 2)) (local.get $bl) (local.get $t))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $px))))
  (func $blend (param $p i32) (param $c i32) (param $t f64)
    (local $was f64)
    (local.set $was (f64.convert_i32_u (i32.load8_u (local.get $p))))
    (i32.store8 (local.get $p)
      (i32.trunc_f64_u (f64.add (f64.add (local.get $was) (f64.mul (f64.sub (f64.convert_i32_u (local.get $c)) (local.get $was)) (local.get $t))) (f64.const 0.5))))))
