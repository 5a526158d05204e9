(module
  (import "env" "memory" (memory 1))
  ;; adam(p, g, m, v, bytes, beta1, beta2, stepSize, invCorrection, epsilon): for every float32 at byte
  ;; offsets 0, 16, ... below `bytes` (a multiple of 16), four at a time:
  ;;   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;  p = p - stepSize m / (sqrt(v) invCorrection + epsilon)
  (func (export "adam")
    (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $bytes i32)
    (param $beta1 f32) (param $beta2 f32) (param $step f32) (param $inv f32) (param $eps f32)
    (local $i i32) (local $b1 v128) (local $a1 v128) (local $b2 v128) (local $a2 v128)
    (local $s v128) (local $c v128) (local $e v128) (local $gk v128) (local $mk v128) (local $vk v128)
    (local.set $b1 (f32x4.splat (local.get $beta1)))
    (local.set $a1 (f32x4.splat (f32.sub (f32.const 1) (local.get $beta1))))
    (local.set $b2 (f32x4.splat (local.get $beta2)))
    (local.set $a2 (f32x4.splat (f32.sub (f32.const 1) (local.get $beta2))))
    (local.set $s (f32x4.splat (local.get $step)))
    (local.set $c (f32x4.splat (local.get $inv)))
    (local.set $e (f32x4.splat (local.get $eps)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))
        (local.set $gk (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $mk (f32x4.add
          (f32x4.mul (local.get $b1) (v128.load (i32.add (local.get $m) (local.get $i))))
          (f32x4.mul (local.get $a1) (local.get $gk))))
        (local.set $vk (f32x4.add
          (f32x4.mul (local.get $b2) (v128.load (i32.add (local.get $v) (local.get $i))))
          (f32x4.mul (local.get $a2) (f32x4.mul (local.get $gk) (local.get $gk)))))
        (v128.store (i32.add (local.get $m) (local.get $i)) (local.get $mk))
        (v128.store (i32.add (local.get $v) (local.get $i)) (local.get $vk))
        (v128.store (i32.add (local.get $p) (local.get $i))
          (f32x4.sub
            (v128.load (i32.add (local.get $p) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $s) (local.get $mk))
              (f32x4.add (f32x4.mul (f32x4.sqrt (local.get $vk)) (local.get $c)) (local.get $e)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next))))
)
