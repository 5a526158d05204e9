#!/usr/bin/env python3
"""Sieve's default learner in PyTorch: its training step and scoring pass, timed.

The same model as Sieve's `contrastive` learner with the MLP image tower, in float32 and at the
same shapes (the defaults are those of the default run on the `fashion-captions` task):

- image tower: pixels -> hidden (ReLU, He uniform), projection hidden -> embedding (Glorot
  uniform), L2-normalised;
- text tower: the mean of each caption's word embeddings as a bag-of-words row (count of each
  word over the caption's non-padding tokens, divided by their number) times the vocabulary x
  text-embedding table (Glorot uniform), then text-embedding -> hidden (ReLU, He uniform) ->
  embedding (Glorot uniform), L2-normalised;
- biases zero; learnable log-temperature log 10 and bias -10;
- the SigLIP pairwise sigmoid loss: L_ij = softplus(-z_ij (t <x_i, y_j> + b)), z = +1 on the
  diagonal and -1 elsewhere, summed and divided by the batch's rows;
- Adam (beta1 0.9, beta2 0.999, epsilon 1e-8) at the default peak learning rate 2e-3.

Timed: the training step on `--batch` examples (forward, backward, Adam, the loss read back)
and the scoring pass over `--super-batch` candidates (both towers and the N x N loss matrix,
no gradient, the matrix materialised), each after `--warmup` untimed calls, as the median of
`--repeats` calls in wall milliseconds (time.perf_counter) and CPU milliseconds of the whole
process (time.process_time, every thread). Inputs are random (the time does not depend on the
values); the bag-of-words rows are built from the token ids inside each call, as Sieve does.

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE python3 peer_step.py --threads 1

Prints one JSON line. Exits 2 where torch cannot be imported, saying what to install.
"""
import argparse
import math
import sys
import time

sys.dont_write_bytecode = True
import peer_common  # noqa: E402

PAD_TOKEN_ID = 0


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"takes a whole number above 0, got {text!r}")
    return value


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=positive_int, default=1, help="torch.set_num_threads; also set OPENBLAS_NUM_THREADS and OMP_NUM_THREADS")
    parser.add_argument("--batch", type=positive_int, default=128, help="training batch b (default: %(default)s)")
    parser.add_argument("--super-batch", type=positive_int, default=640, help="scoring super-batch N (default: %(default)s)")
    parser.add_argument("--pixels", type=positive_int, default=784, help="image pixels x channels (default: %(default)s)")
    parser.add_argument("--hidden", type=positive_int, default=256, help="hidden width of both towers (default: %(default)s)")
    parser.add_argument("--embedding", type=positive_int, default=64, help="joint embedding width (default: %(default)s)")
    parser.add_argument("--text-embedding", type=positive_int, default=64, help="word embedding width (default: %(default)s)")
    parser.add_argument("--vocabulary", type=positive_int, default=98, help="words, padding included (default: %(default)s)")
    parser.add_argument("--max-tokens", type=positive_int, default=9, help="tokens per caption (default: %(default)s)")
    parser.add_argument("--learning-rate", type=float, default=2e-3, help="Adam's learning rate (default: %(default)s)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed calls first (default: %(default)s)")
    parser.add_argument("--repeats", type=positive_int, default=30, help="timed calls (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="initialisation and input seed (default: %(default)s)")
    args = parser.parse_args()
    if args.batch > args.super_batch:
        parser.error("--batch must be at most --super-batch")
    if args.vocabulary < 2:
        parser.error("--vocabulary must count the padding word and at least one more")
    if args.warmup < 0:
        parser.error("--warmup takes a whole number, 0 or above")
    return args


def main():
    args = parse_args()
    environment = peer_common.set_thread_environment(args.threads)
    torch = peer_common.import_or_exit("torch")
    np = peer_common.import_or_exit("numpy")
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)

    def uniform(shape, limit):
        return torch.nn.Parameter((torch.rand(shape, generator=generator) * 2 - 1) * limit)

    def he_uniform(fan_in, fan_out):
        # Stored out x in, as torch.nn.Linear keeps it; the limit uses the fan-in as Sieve's does.
        return uniform((fan_out, fan_in), math.sqrt(6 / fan_in))

    def glorot_uniform(fan_in, fan_out, shape=None):
        return uniform(shape or (fan_out, fan_in), math.sqrt(6 / (fan_in + fan_out)))

    def linear(fan_in, fan_out, init):
        layer = torch.nn.Linear(fan_in, fan_out)
        layer.weight = init(fan_in, fan_out)
        torch.nn.init.zeros_(layer.bias)
        return layer

    class PeerModel(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.image_hidden = linear(args.pixels, args.hidden, he_uniform)
            self.image_projection = linear(args.hidden, args.embedding, glorot_uniform)
            self.token_embedding = glorot_uniform(args.vocabulary, args.text_embedding, (args.vocabulary, args.text_embedding))
            self.text_hidden = linear(args.text_embedding, args.hidden, he_uniform)
            self.text_output = linear(args.hidden, args.embedding, glorot_uniform)
            self.log_temperature = torch.nn.Parameter(torch.tensor(math.log(10.0)))
            self.bias = torch.nn.Parameter(torch.tensor(-10.0))

        @staticmethod
        def l2_normalise(x):
            return x * torch.rsqrt((x * x).sum(-1, keepdim=True) + 1e-12)

        def embed_images(self, images):
            return self.l2_normalise(self.image_projection(F.relu(self.image_hidden(images))))

        def embed_texts(self, tokens):
            count = tokens.shape[0]
            bag = torch.zeros(count, args.vocabulary).scatter_add_(1, tokens, torch.ones(tokens.shape))
            bag[:, PAD_TOKEN_ID] = 0
            bag = bag / bag.sum(1, keepdim=True).clamp_min(1)
            hidden = F.relu(self.text_hidden(bag @ self.token_embedding))
            return self.l2_normalise(self.text_output(hidden))

        def pairwise_losses(self, x, y, negated_signs):
            logits = (x @ y.T) * self.log_temperature.exp() + self.bias
            return F.softplus(negated_signs * logits)

    def negated_signs(n):
        # -z_ij: -1 on the diagonal (positive pairs), +1 elsewhere.
        return 1 - 2 * torch.eye(n)

    model = PeerModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate, betas=(0.9, 0.999), eps=1e-8)
    parameter_count = sum(p.numel() for p in model.parameters())
    train_signs = negated_signs(args.batch)
    score_signs = negated_signs(args.super_batch)

    rng = np.random.default_rng(args.seed)

    def inputs(count, variants=4):
        made = []
        for _ in range(variants):
            images = rng.random((count, args.pixels), dtype=np.float32)
            tokens = np.zeros((count, args.max_tokens), dtype=np.int64)
            lengths = rng.integers(min(4, args.max_tokens), args.max_tokens + 1, size=count)
            for row, length in enumerate(lengths):
                tokens[row, :length] = rng.integers(1, args.vocabulary, size=length)
            made.append((images, tokens))
        return made

    def training_step(images, tokens):
        optimizer.zero_grad(set_to_none=True)
        x = model.embed_images(torch.from_numpy(images))
        y = model.embed_texts(torch.from_numpy(tokens))
        loss = model.pairwise_losses(x, y, train_signs).sum() / x.shape[0]
        loss.backward()
        optimizer.step()
        return loss.item()

    def scoring_pass(images, tokens):
        with torch.inference_mode():
            x = model.embed_images(torch.from_numpy(images))
            y = model.embed_texts(torch.from_numpy(tokens))
            return model.pairwise_losses(x, y, score_signs).numpy()

    def measure(part, batches):
        for call in range(args.warmup):
            part(*batches[call % len(batches)])
        walls, cpus = [], []
        for call in range(args.repeats):
            batch = batches[call % len(batches)]
            cpu_start, wall_start = time.process_time(), time.perf_counter()
            part(*batch)
            walls.append((time.perf_counter() - wall_start) * 1e3)
            cpus.append((time.process_time() - cpu_start) * 1e3)
        return {"wallMs": peer_common.median(walls), "cpuMs": peer_common.median(cpus)}

    training = measure(training_step, inputs(args.batch))
    scoring = measure(scoring_pass, inputs(args.super_batch))
    peer_common.print_result({
        "kind": "peer-step",
        "peer": "pytorch",
        "torch": torch.__version__,
        "numpy": np.__version__,
        "threads": args.threads,
        "torchThreads": torch.get_num_threads(),
        "environment": environment,
        "blasLibraries": peer_common.loaded_blas_libraries(),
        "batch": args.batch,
        "superBatch": args.super_batch,
        "parameters": parameter_count,
        "warmup": args.warmup,
        "repeats": args.repeats,
        "loss": training_step(*inputs(args.batch, 1)[0]),
        "trainingStep": training,
        "scoringPass": scoring,
    })


if __name__ == "__main__":
    main()
