"""A first look at tensorflux: tensors, variables and gradients (``make demo``)."""

import tensorflux as tf

x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
print("x =", x)
print("x @ x =", tf.matmul(x, x))

w = tf.Variable([[0.5], [0.25]])
with tf.GradientTape() as tape:
    y = tf.reduce_sum(tf.nn.relu(x @ w) ** 2)
print("dy/dw =", tape.gradient(y, w))

# fit y = 3x - 1 by gradient descent
xs = tf.linspace(-1.0, 1.0, 50)
ys = 3.0 * xs - 1.0
a, b = tf.Variable(0.0), tf.Variable(0.0)
for _ in range(200):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((a * xs + b - ys) ** 2)
    ga, gb = tape.gradient(loss, [a, b])
    a.assign_sub(0.1 * ga)
    b.assign_sub(0.1 * gb)
print(f"fitted a={float(a):.3f} b={float(b):.3f} (true 3, -1), loss={float(loss):.2e}")
