pytest_plugins = ["hoeksteen.testing.personas"]
