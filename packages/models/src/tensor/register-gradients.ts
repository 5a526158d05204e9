// tfjs-core's Node bundle defines the gradient registry but registers no gradients; the
// `@tensorflow/tfjs` bundle registers them all (into the one global registry). Every module
// here that differentiates imports this file first.
import '@tensorflow/tfjs';
