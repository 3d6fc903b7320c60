/**
 * Registers the backends kiln runs on by default. Importing this module is what makes the CPU
 * kernels available; faster implementations (the native addon) plug in here.
 */
import './cpu/index.js';
