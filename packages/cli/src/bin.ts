import { runMain } from './cli';

runMain();
